"""Importing a legacy register: every row converted, checked, and either imported or reported — never dropped.

Rows are upserted by dossier number: a new number registers a dossier (bulk, through records.services),
a known one is compared field by field and updated only where the register differs, so importing the
same file twice changes nothing.
"""

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hoso.access.models import User
from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.core.memory import fewer_collections
from hoso.imports.columns import FIELD_LABELS
from hoso.imports.parse import Issue, Layout, ParsedRow, RowParser, UnitIndex, find_layout
from hoso.imports.pipeline import ParallelReader, parsed_rows, should_parallelise
from hoso.imports.reader import Cell, Register, RegisterFileError
from hoso.records import services as records
from hoso.records.models import Alias, Category, Dossier
from hoso.records.seeds import DossierSeed, PersonSeed
from hoso.records.visibility import NUMBER_UNAVAILABLE, reachable_numbers

BATCH = 2000  # rows per committed batch
# NUMBER_UNAVAILABLE as a template, for the review page to word again (the same words as records' message).
UNAVAILABLE = gettext_noop("Số hồ sơ %(number)s không dùng được: không có hồ sơ nào mang số này trong phạm vi bạn "
                           "được xem và sửa. Hãy kiểm tra lại số, hoặc hỏi bộ phận lưu trữ.")
HEADER_ROWS = 30
MAX_WARNINGS = 10_000  # kept in the report; beyond that only counted (errors are always all kept)
PERSON_KEYS = ("full_name", "sex", "birth_date", "death_date", "ethnicity", "hometown_text", "hometown_unit",
               "residence_text", "residence_unit", "national_id", "notes")
DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE for the transaction it rolled back to break a deadlock
DEADLOCK_RETRIES = 3


@dataclass
class ImportReport:
    file: str
    sheet: str = ""
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    encodings: Counter = field(default_factory=Counter)
    columns: dict[str, str] = field(default_factory=dict)
    failed_rows: list[tuple[int, list[str], str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    warnings_total: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "errors": [e.as_dict() for e in self.errors], "warnings": [w.as_dict() for w in self.warnings],
                "warnings_total": self.warnings_total,
                "encodings": dict(self.encodings), "rows": self.rows, "dry_run": self.dry_run,
                "sheet": self.sheet, "title": self.title, "columns": self.columns}


def detect_layout(register: Register, rows: Iterator[tuple[int, list[Cell]]],
                  mapping: dict[str, str] | None = None) -> tuple[Layout, list[tuple[int, list[Cell]]]]:
    """The layout found in the first rows taken from `rows`, and those rows (the caller goes on with `rows`)."""
    head = list(islice(rows, HEADER_ROWS))
    layout = find_layout(head, mapping, register.preamble)
    if layout is None:
        if register.chooses_sheet:
            message = _("Không tìm thấy dòng tiêu đề trong bảng nào của văn bản %(name)s: cần ít nhất cột «Họ và "
                        "tên» và một cột khác như «Số hồ sơ», «Năm sinh» (hoặc chọn cách ghép cột).")
        elif register.kind == "docx":
            message = _("Không tìm thấy dòng tiêu đề trong bảng «%(sheet)s»: cần ít nhất cột «Họ và tên» và một cột "
                        "khác như «Số hồ sơ», «Năm sinh» (hoặc chọn cách ghép cột).")
        else:
            message = _("Không tìm thấy dòng tiêu đề trong trang «%(sheet)s»: cần ít nhất cột «Họ và tên» và một cột "
                        "khác như «Số hồ sơ», «Năm sinh» (hoặc chọn cách ghép cột).")
        raise RegisterFileError(message % {"name": register.name, "sheet": register.sheet_name})
    return layout, head


def open_register(path: Path, sheet: str | None = None, mapping: dict[str, str] | None = None,
                  columns: dict[int, str] | None = None) -> tuple[Register, Layout, Iterator[tuple[int, list[Cell]]]]:
    """The register opened on `sheet` (for a Word document without one: the table that looks most like a
    register), its layout (`columns` replacing the detected ones) and its data rows. The caller closes it."""
    register = Register(path, sheet)
    try:
        if register.chooses_sheet:
            _choose_table(register, mapping)
        rows = register.rows()
        layout, head = detect_layout(register, rows, mapping)
    except BaseException:
        register.close()
        raise
    if columns is not None:
        layout = replace(layout, columns=dict(columns))
    return register, layout, chain(head[layout.first_data_index:], rows)


def _choose_table(register: Register, mapping: dict[str, str] | None) -> None:
    """Select the Word table whose header names the most known columns (then: the longest table)."""
    best = None
    for name in register.sheet_names:
        register.sheet_name = name
        layout = find_layout(list(islice(register.rows(), HEADER_ROWS)), mapping, register.preamble)
        if layout is not None:
            score = (len(layout.columns), register.row_count_hint())
            if best is None or score > best[0]:
                best = (score, name)
    register.sheet_name = best[1] if best else register.sheet_names[0]


def import_register(*, actor: User | None, path: Path, sheet: str | None = None,
                    mapping: dict[str, str] | None = None, columns: dict[int, str] | None = None,
                    dry_run: bool = False, batch_size: int | None = None, name: str | None = None,
                    progress: Callable[[int], None] | None = None, parallel: bool | None = None) -> ImportReport:
    """Read, convert, check and upsert a register. Raises RegisterFileError when the file is not a register.

    `mapping` ({header text: field}) adds to the detected columns; `columns` ({column index: field}) replaces
    them (the web form's confirmed mapping). Each batch of `batch_size` rows (default BATCH) is committed with
    its own audit event, so a crash loses at most the batch in flight and importing again resumes (rows already in are
    "unchanged"). A dry run rolls every batch back. `progress(n)` is called after each batch with its rows.
    `name` is the file name for the report and the audit trail (default: the path's).
    `parallel`: read and parse the rows in a second process while this one writes (see pipeline.py); by
    default only for big files.
    """
    report = ImportReport(file=name or Path(path).name, dry_run=dry_run)
    if parallel is None:
        parallel = should_parallelise(Path(path))
    categories = set(Category.objects.values_list("code", flat=True))
    units = UnitIndex()

    def make_parser(layout: Layout) -> RowParser:
        return RowParser(columns=layout.columns, categories=categories, province=settings.HOSO_PROVINCE_CODE,
                         encoding=layout.encoding, units=units)

    def opened() -> tuple[Register, Layout, Iterator[tuple[int, list[Cell]]]]:
        return open_register(Path(path), sheet, mapping, columns)

    if parallel:
        with fewer_collections(), ParallelReader(opened, make_parser, units) as reader:
            report.sheet = reader.sheet_name
            _describe(report, reader.layout)
            _run(actor, reader.rows(), report, progress, dry_run, batch_size or BATCH)
    else:
        register, layout, data = opened()
        try:
            report.sheet = register.sheet_name
            _describe(report, layout)
            with fewer_collections(), closing(parsed_rows(make_parser(layout), data)) as parsed:
                _run(actor, parsed, report, progress, dry_run, batch_size or BATCH)
        finally:
            register.close()
    if not dry_run:
        record_event(actor=actor, action=AuditAction.IMPORT_REGISTER, object_type="register", summary=report.file,
                     after={k: v for k, v in report.as_dict().items() if k not in {"errors", "warnings"}}
                     | {"error_count": len(report.errors)})
    return report


def _describe(report: ImportReport, layout: Layout) -> None:
    report.header = list(layout.header)
    report.title = list(layout.title)
    report.columns = {layout.labels[i] if i < len(layout.labels) and layout.labels[i] else column_letter(i): name
                      for i, name in sorted(layout.columns.items())}


def column_letter(index: int) -> str:
    """0 → "A", 27 → "AB" (the column as Excel labels it)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _run(actor, rows: Iterator[ParsedRow | None], report: ImportReport, progress, dry_run: bool,
         batch_size: int) -> None:
    seen: dict[str, int] = {}
    batch: list[ParsedRow] = []
    pending = 0  # rows read since the last progress call (failed and empty ones too)
    for parsed in rows:
        pending += 1
        if parsed is None:
            continue
        number = parsed.row
        report.rows += 1
        report.encodings.update(parsed.encodings)
        report.warnings_total += len(parsed.warnings)
        report.warnings += parsed.warnings[:max(0, MAX_WARNINGS - len(report.warnings))]
        dossier_number = parsed.values.get("number")
        if dossier_number and dossier_number in seen:
            parsed.errors.append(Issue.worded(number, FIELD_LABELS["number"], dossier_number,
                                              gettext_noop("Trùng số hồ sơ với dòng %(row)s trong cùng tệp."),
                                              row=seen[dossier_number]))
        if parsed.errors:
            report.errors += parsed.errors
            report.failed_rows.append((number, parsed.raw, "; ".join(e.message for e in parsed.errors)))
            continue
        seen[dossier_number] = number
        batch.append(parsed)
        if len(batch) >= batch_size:
            _commit(actor, batch, report, dry_run)
            if progress:
                progress(pending)
            pending = 0
    _commit(actor, batch, report, dry_run)
    if progress and pending:
        progress(pending)


def _commit(actor, batch: list[ParsedRow], report: ImportReport, dry_run: bool) -> None:
    """One batch in one transaction: committed (its audit events with it), or rolled back in a dry run. A batch that
    PostgreSQL chose to break a deadlock (its rows locked in the register's order, a clerk's change of a person in
    several of its dossiers in id order: records/signals.py) is rolled back whole and written again."""
    if not batch:
        return
    for attempt in range(DEADLOCK_RETRIES + 1):
        counts = (report.created, report.updated, report.unchanged, len(report.errors), len(report.failed_rows))
        try:
            with transaction.atomic():
                with records.notifications_deferred():  # the batch's dossiers re-indexed once, at its end
                    _flush(actor, batch, report)
                if dry_run:
                    transaction.set_rollback(True)
            break
        except OperationalError as exc:
            if attempt == DEADLOCK_RETRIES or getattr(exc.__cause__, "sqlstate", None) != DEADLOCK_DETECTED:
                raise
            report.created, report.updated, report.unchanged = counts[:3]  # nothing of the attempt stayed
            del report.errors[counts[3]:], report.failed_rows[counts[4]:]
    batch.clear()


def _flush(actor, batch: list[ParsedRow], report: ImportReport) -> None:
    existing = _known([r.values["number"] for r in batch])
    new = [r for r in batch if r.values["number"] not in existing]
    seeds = [_seed(r) for r in new]
    try:
        with transaction.atomic():
            report.created += records.bulk_register_dossiers(actor=actor, seeds=seeds, source=report.file,
                                                             batch_size=len(seeds) or 1)
    except ValidationError:
        for row, seed in zip(new, seeds, strict=True):  # find the bad rows one by one; keep the good ones
            try:
                with transaction.atomic():
                    report.created += records.bulk_register_dossiers(actor=actor, seeds=[seed], source=report.file)
            except ValidationError as exc:
                _fail(report, row, "; ".join(exc.messages))
    reachable = reachable_numbers(actor, existing)
    for row in batch:
        known = existing.get(row.values["number"])
        if known is not None and row.values["number"] not in reachable:
            # A dossier this user may not see or change (another commune, "mật"): refused without comparing, so
            # the answer says nothing about what it holds.
            _fail(report, row, NUMBER_UNAVAILABLE.format(number=row.values["number"]), template=UNAVAILABLE,
                  params={"number": row.values["number"]})
            continue
        if known is not None:
            if not _differs(known, row.values):  # the common case when a register is imported again
                report.unchanged += 1
                continue
            dossier = (Dossier.objects.select_related("subject", "category").prefetch_related("subject__aliases")
                       .get(pk=known["pk"]))
            try:
                with transaction.atomic():
                    changed = _update(actor, dossier, row.values)
            except ValidationError as exc:
                _fail(report, row, "; ".join(exc.messages))
                continue
            if changed:
                report.updated += 1
            else:
                report.unchanged += 1


def _fail(report: ImportReport, row: ParsedRow, message: str, template: str = "",
          params: dict[str, Any] | None = None) -> None:
    report.errors.append(Issue(row.row, "", row.values.get("number", ""), message, template, params))
    report.failed_rows.append((row.row, row.raw, message))


def _person_values(values: dict[str, Any]) -> dict[str, Any]:
    found = {}
    for key in PERSON_KEYS:
        value = values.get(key)
        if value is not None and not (type(value) is str and not value):
            found[key] = value
    return found


def _seed(row: ParsedRow) -> DossierSeed:
    v = row.values
    values = {k: x for k, x in _person_values(v).items() if k != "full_name"}
    person = PersonSeed(full_name=v["full_name"], aliases=v["aliases"], values=values)
    seed = DossierSeed(number=v["number"], category=v["category"], subject=person)
    if v.get("martyr") and v["category"] == "LS":
        seed.martyr = v["martyr"]
    if v.get("rate") is not None:
        kind = {"BB": "benh_tat", "HH": "chat_doc"}.get(v["category"], "thuong_tat")
        seed.assessments.append({"rate_percent": v["rate"], "kind": kind})
    if v.get("decision"):
        seed.decisions.append({"kind": "cong_nhan", **v["decision"]})
    return seed


def _known(numbers: list[str]) -> dict[str, dict[str, Any]]:
    """The dossiers already registered under these numbers, as plain values (one query, plus one for aliases):
    the fields an import compares, its category code and its subject's aliases."""
    rows = {r["number"]: r for r in Dossier.objects.filter(number__in=numbers).values(
        "pk", "number", "subject_id", "category__code", *(f"subject__{k}" for k in PERSON_KEYS))}
    aliases: dict[int, list[str]] = {}
    for person_id, name in Alias.objects.filter(person_id__in=[r["subject_id"] for r in rows.values()]).values_list(
            "person_id", "name"):
        aliases.setdefault(person_id, []).append(name)
    for row in rows.values():
        row["aliases"] = aliases.get(row["subject_id"], [])
    return rows


def _differs(known: dict[str, Any], values: dict[str, Any]) -> bool:
    """Would `_update` change anything? (The same comparisons, on the values `_known` read.)"""
    for key, value in _person_values(values).items():
        if known[f"subject__{key}"] != (value.pk if hasattr(value, "pk") else value):
            return True
    aliases = values["aliases"]
    if aliases and sorted(aliases) != sorted(known["aliases"]):
        return True
    return values["category"] != known["category__code"]


def _update(actor, dossier: Dossier, values: dict[str, Any]) -> bool:
    """Update what the register says differently; True when anything changed."""
    person = dossier.subject
    wanted = _person_values(values)
    changes = {k: v for k, v in wanted.items() if getattr(person, k if not k.endswith("_unit") else f"{k}_id") != (
        v.pk if hasattr(v, "pk") else v)}
    aliases = values["aliases"]
    current_aliases = [a.name for a in person.aliases.all()]
    alias_change = aliases and sorted(aliases) != sorted(current_aliases)
    changed = False
    if changes or alias_change:
        records.update_person(actor=actor, person=person, aliases=aliases if alias_change else None, **changes)
        changed = True
    if values["category"] != dossier.category.code:
        records.update_dossier(actor=actor, dossier=dossier, category_code=values["category"])
        changed = True
    return changed
