"""Reading and parsing a big register in a second process while this one writes to the database.

Reading cells, converting legacy encodings and parsing rows take about as much CPU as the writes
and the search index: on a 2-core machine the import runs twice as fast when the two halves overlap. The
reader is a forked child that opens the register, finds its header and parses the rows with a parser whose
gazetteer was loaded before the fork (the child never touches the database). It sends the layout, then each
row's `ParsedRow` (or None for an empty line) in chunks through a bounded queue, so memory stays flat.

Small files (most registers, and the tests) are parsed in this process: starting a process costs more than
it saves.
"""

import multiprocessing
import os
import queue as queue_module
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from hoso.imports.cells import Cell, RegisterFileError
from hoso.imports.parse import ParsedRow, RowParser

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


def parsed_rows(parser: RowParser, data: Iterable[tuple[int, list[Cell]]]) -> Iterator[ParsedRow | None]:
    """`parser.parse` of every row of `data`, in order, in this process."""
    for number, cells in data:
        yield parser.parse(number, cells)


class ParallelReader:
    """A forked child opens the register (`open_register()` → register, layout, rows after the header), finds its
    layout, parses every row with `make_parser(layout)` and sends them here. Use as a context manager:
    `.sheet_name` and `.layout` are known on entry (a file that is not a register raises RegisterFileError
    there, as in one process), then `.rows()` gives each row's ParsedRow or None, in order.

    The parser's gazetteer (`units`) is loaded here before the fork; the child never touches the database, and
    this process never opens the workbook (opening a big one costs seconds)."""

    def __init__(self, open_register: Callable[[], tuple[Any, Any, Iterable[tuple[int, list[Cell]]]]],
                 make_parser: Callable[[Any], RowParser], units) -> None:
        self._open, self._make_parser, self._units = open_register, make_parser, units
        self.sheet_name = ""
        self.layout = None

    def __enter__(self) -> "ParallelReader":
        context = multiprocessing.get_context("fork")
        self._channel = context.Queue(maxsize=QUEUE_CHUNKS)
        self._child = context.Process(target=_child_main, args=(self._open, self._make_parser, self._channel),
                                      name="hoso-register-reader", daemon=True)
        self._child.start()
        try:
            _, self.sheet_name, self.layout = self._next()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        if self._child.is_alive():
            self._child.terminate()
        self._child.join(timeout=10)
        self._channel.close()
        self._channel.cancel_join_thread()

    def rows(self) -> Iterator[ParsedRow | None]:
        while True:
            message = self._next()
            if message[0] == "done":
                return
            for parsed in message[1]:
                if parsed is not None:
                    for key in UNIT_KEYS:
                        if isinstance(parsed.values.get(key), int):
                            parsed.values[key] = self._units.by_pk[parsed.values[key]]
                yield parsed

    def _next(self) -> tuple:
        while True:
            try:
                message = self._channel.get(timeout=2)
            except queue_module.Empty:
                if not self._child.is_alive():
                    raise RegisterFileError(
                        f"Tiến trình đọc sổ đã dừng bất ngờ (mã thoát {self._child.exitcode}); các lô đã ghi được "
                        "giữ lại, hãy nhập lại tệp để tiếp tục.") from None
                continue
            if message[0] == "error":
                _, text, is_file_error = message
                if is_file_error:
                    raise RegisterFileError(text)
                raise RuntimeError(f"Lỗi khi đọc sổ trong tiến trình đọc: {text}")
            return message


def _child_main(open_register, make_parser, out) -> None:
    """The child: open the register, send its layout, then every row parsed."""
    out = _Sender(out)
    try:
        register, layout, data = open_register()
    except BaseException as exc:  # noqa: BLE001 - every failure must reach the parent, which raises it
        out.put(("error", str(exc) or type(exc).__name__, isinstance(exc, RegisterFileError)))
        return
    try:
        out.put(("layout", register.sheet_name, layout))
        _produce(make_parser(layout), data, out)
    finally:
        register.close()


class _Sender:
    """The child's end of the queue: a put that gives up when the parent is gone (killed), instead of waiting
    for ever on a full queue nobody reads."""

    def __init__(self, channel) -> None:
        self._channel, self._parent = channel, os.getppid()

    def put(self, message: tuple) -> None:
        while True:
            try:
                self._channel.put(message, timeout=5)
                return
            except queue_module.Full:
                if os.getppid() != self._parent:
                    os._exit(1)


def _produce(parser: RowParser, data: Iterable[tuple[int, list[Cell]]], out) -> None:
    """Parse every row and send them in chunks; a failure is sent as ("error", message, is_file)."""
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
        out.put(("done",))
    except BaseException as exc:  # noqa: BLE001 - every failure must reach the parent, which raises it
        out.put(("rows", chunk))  # the rows before the failure are imported, as in one process
        out.put(("error", str(exc) or type(exc).__name__, isinstance(exc, RegisterFileError)))
