"""Reading and parsing a big register in a second process while this one writes to the database.

Reading cells (openpyxl), converting legacy encodings and parsing rows take about as much CPU as the writes
and the search index: on a 2-core machine the import runs twice as fast when the two halves overlap. The
reader is a forked child that inherits the open register, the row iterator positioned after the header and
the row parser (the gazetteer already loaded: the child never touches the database). It sends each row's
`ParsedRow` (or None for an empty line) in chunks through a bounded queue, so memory stays flat.

Small files (most registers, and the tests) are parsed in this process: starting a process costs more than
it saves.
"""

import multiprocessing
import os
import queue as queue_module
from collections.abc import Iterable, Iterator
from pathlib import Path

from .parse import ParsedRow, RowParser
from .reader import Cell, RegisterFileError

PARALLEL_MIN_BYTES = 256 * 1024  # a register file this big has some 5,000 rows or more
CHUNK = 500  # rows per message
QUEUE_CHUNKS = 8  # messages in flight: bounds the memory the reader may run ahead with
UNIT_KEYS = ("hometown_unit", "residence_unit")


def should_parallelise(path: Path) -> bool:
    """Worth a second process: a big file, on a system that can fork, with a second core."""
    try:
        big = Path(path).stat().st_size >= PARALLEL_MIN_BYTES
    except OSError:
        return False
    return big and "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def parsed_rows(parser: RowParser, data: Iterable[tuple[int, list[Cell]]], *,
                parallel: bool) -> Iterator[ParsedRow | None]:
    """`parser.parse` of every row of `data`, in order: here, or in a child process when `parallel`."""
    if not parallel:
        for number, cells in data:
            yield parser.parse(number, cells)
        return
    yield from _from_child(parser, data)


def _produce(parser: RowParser, data: Iterable[tuple[int, list[Cell]]], out) -> None:
    """The child: parse every row and send them in chunks; a failure is sent as ("error", message, is_file)."""
    chunk: list[ParsedRow | None] = []
    try:
        for number, cells in data:
            parsed = parser.parse(number, cells)
            if parsed is not None:
                for key in UNIT_KEYS:  # model instances travel as their ids (the parent holds the same units)
                    unit = parsed.values.get(key)
                    if unit is not None:
                        parsed.values[key] = unit.pk
            chunk.append(parsed)
            if len(chunk) >= CHUNK:
                out.put(("rows", chunk))
                chunk = []
        out.put(("rows", chunk))
        out.put(("done", None))
    except BaseException as exc:  # noqa: BLE001 - every failure must reach the parent, which raises it
        out.put(("rows", chunk))  # the rows before the failure are imported, as in one process
        out.put(("error", str(exc) or type(exc).__name__, isinstance(exc, RegisterFileError)))


def _from_child(parser: RowParser, data: Iterable[tuple[int, list[Cell]]]) -> Iterator[ParsedRow | None]:
    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=QUEUE_CHUNKS)
    child = context.Process(target=_produce, args=(parser, data, channel), name="hoso-register-reader",
                            daemon=True)
    child.start()
    try:
        while True:
            try:
                message = channel.get(timeout=2)
            except queue_module.Empty:
                if not child.is_alive():
                    raise RegisterFileError(
                        f"Tiến trình đọc sổ đã dừng bất ngờ (mã thoát {child.exitcode}); các lô đã ghi được giữ "
                        "lại, hãy nhập lại tệp để tiếp tục.") from None
                continue
            kind = message[0]
            if kind == "done":
                break
            if kind == "error":
                _, text, is_file_error = message
                if is_file_error:
                    raise RegisterFileError(text)
                raise RuntimeError(f"Lỗi khi đọc sổ trong tiến trình đọc: {text}")
            for parsed in message[1]:
                if parsed is not None:
                    for key in UNIT_KEYS:
                        if isinstance(parsed.values.get(key), int):
                            parsed.values[key] = parser.units.by_pk[parsed.values[key]]
                yield parsed
    finally:
        if child.is_alive():
            child.terminate()
        child.join(timeout=10)
        channel.close()
        channel.cancel_join_thread()
