"""Registers imported from the web: upload (the file kept unaltered in the blob store), confirm the column
mapping, run in the background (`hoso worker`), follow the progress, read the report.

Who may import: a role holding EDIT_DOSSIER *and* a province-wide scope — a register creates and updates
dossiers anywhere in the province, so an officer limited to some communes (cán bộ xã) may not import one.
"""

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

try:  # Django 6 ships the Tasks API; on 5.2 the django-tasks backport provides it
    from django.tasks import task
except ImportError:
    from django_tasks import task

from hoso.access.models import User
from hoso.access.permissions import EDIT_DOSSIER
from hoso.access.rules import user_can
from hoso.core.audit import record_event
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.core.i18n import in_vietnamese
from hoso.imports.columns import FIELD_LABELS
from hoso.imports.models import ImportRun
from hoso.imports.reader import RegisterFileError
from hoso.imports.report import write_report
from hoso.imports.services.registers import column_letter, import_register, open_register
from hoso.records.visibility import whole_province

log = logging.getLogger(__name__)
SUFFIXES = (".xlsx", ".xls", ".csv", ".docx", ".doc", ".odt", ".ods")
ERRORS_KEPT = 5_000  # on the report page; the xlsx report has every one (warnings likewise)


def max_upload_bytes() -> int:
    return int(getattr(settings, "HOSO_REGISTER_MAX_MB", 50)) * 2**20


def can_import(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user_can(user, EDIT_DOSSIER)
                and whole_province(user))


def require_import(user: User | None) -> None:
    if not can_import(user):
        raise PermissionDenied(_("Nhập sổ theo dõi cần quyền đăng ký hồ sơ trên phạm vi toàn tỉnh. Cán bộ xã gửi sổ "
                                 "cho Sở để nhập."))


def upload_register(*, actor: User, source: Path, file_name: str) -> ImportRun:
    """Check that `source` is a register (raises RegisterFileError with one Vietnamese message when not), keep
    it in the blob store and open an import run waiting for its column mapping."""
    require_import(actor)
    name = Path(file_name).name[:255] or "so.xlsx"
    if Path(name).suffix.lower() not in SUFFIXES:
        raise RegisterFileError(_("Tệp %(name)s không phải sổ theo dõi: chỉ nhận tệp Excel (.xlsx, .xls), CSV, bảng "
                                  "trong văn bản Word (.docx, .doc) hoặc OpenDocument (.ods, .odt).") % {"name": name})
    size = source.stat().st_size
    if size > max_upload_bytes():
        raise RegisterFileError(_("Tệp %(name)s lớn %(value)s MB, quá giới hạn %(value2)s MB. Hãy chia sổ thành nhiều "
                                  "tệp.") % {"name": name, "value": f"{size / 2**20:.0f}",
                                             "value2": f"{max_upload_bytes() / 2**20:.0f}"})
    with tempfile.TemporaryDirectory(prefix="hoso-register-") as tmp:
        named = Path(tmp) / name  # messages name the file as the user knows it
        shutil.copyfile(source, named)
        register, layout, _rows = open_register(named)
        try:
            sheet, rows_total = register.sheet_name, register.row_count_hint()
        finally:
            register.close()
        blob = blob_store().put_file(named)
    with transaction.atomic():
        run = ImportRun.objects.create(created_by=actor, file_name=name, file_sha256=blob.sha256, file_size=size,
                                       sheet=sheet, rows_total=rows_total,
                                       columns={str(i): f for i, f in layout.columns.items()})
        record_event(actor=actor, action=AuditAction.UPLOAD_REGISTER, obj=run, summary=name,
                     after={"sha256": blob.sha256, "size": size, "sheet": sheet})
    return run


def check_columns(columns: dict[int, str]) -> None:
    """Raise ValidationError (Vietnamese messages) unless the mapping names a dossier number and a name,
    each field at most once, and only known fields."""
    problems = []
    unknown = sorted({f for f in columns.values() if f not in FIELD_LABELS})
    if unknown:
        problems.append(_("Trường không có: %(fields)s.") % {"fields": ", ".join(unknown)})
    fields = set(columns.values())
    if "number" not in fields:
        problems.append(_("Chưa chọn cột «Số hồ sơ»: không có số hồ sơ thì không nhập (cập nhật) được."))
    if "full_name" not in fields and not {"family_name", "given_name"} <= fields:
        problems.append(_("Chưa chọn cột «Họ và tên» (hoặc hai cột «Họ» và «Tên»)."))
    by_field: dict[str, list[int]] = {}
    for index, field in sorted(columns.items()):
        by_field.setdefault(field, []).append(index)
    for field, indexes in by_field.items():
        if len(indexes) > 1:
            problems.append(_("Trường «%(field)s» được chọn cho nhiều cột: %(columns)s. Mỗi trường chỉ một cột.") % {
                "field": _(FIELD_LABELS[field]) if field in FIELD_LABELS else field,
                "columns": ", ".join(column_letter(i) for i in indexes)})
    if problems:
        raise ValidationError(problems)


def start_import(*, actor: User, run: ImportRun, columns: dict[int, str], dry_run: bool,
                 sheet: str | None = None) -> ImportRun:
    """Confirm the mapping (and the sheet) and queue the import (`hoso worker` runs it)."""
    require_import(actor)
    check_columns(columns)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.state != ImportRun.State.UPLOADED:
            raise ValidationError(_("Sổ này đã được đưa vào hàng đợi nhập rồi."))
        run.columns = {str(i): f for i, f in sorted(columns.items())}
        run.dry_run = dry_run
        run.sheet = sheet or run.sheet
        run.state = ImportRun.State.QUEUED
        run.save(update_fields=["columns", "dry_run", "sheet", "state"])
        record_event(actor=actor, action=AuditAction.START_IMPORT, obj=run, summary=run.file_name,
                     after={"columns": run.columns, "dry_run": dry_run, "sheet": run.sheet})
    run_import.enqueue(run.pk)
    run.refresh_from_db()
    return run


def import_for_real(*, actor: User, run: ImportRun) -> ImportRun:
    """After a dry run that went through: import the same stored file, sheet and column mapping for real, as a new
    run (nothing is uploaded again). Asked twice, it gives the run it started the first time."""
    require_import(actor)
    with transaction.atomic():
        dry = ImportRun.objects.select_for_update().get(pk=run.pk)
        if not (dry.dry_run and dry.state == ImportRun.State.DONE):
            raise ValidationError(_("Chỉ nhập thật được sau một lần chạy thử đã xong."))
        started = dry.real_runs.order_by("pk").first()
        if started is not None:
            return started
        real = ImportRun.objects.create(
            created_by=actor, file_name=dry.file_name, file_sha256=dry.file_sha256, file_size=dry.file_size,
            sheet=dry.sheet, rows_total=dry.rows_total, columns=dry.columns, dry_run=False,
            state=ImportRun.State.QUEUED, from_dry_run=dry)
        record_event(actor=actor, action=AuditAction.START_IMPORT, obj=real, summary=real.file_name,
                     after={"columns": real.columns, "dry_run": False, "sheet": real.sheet, "from_dry_run": dry.pk})
    run_import.enqueue(real.pk)
    real.refresh_from_db()
    return real


def retry_import(*, actor: User, run: ImportRun) -> ImportRun:
    """Queue a failed run again: the batches it committed count as unchanged, the rest is imported."""
    require_import(actor)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.state != ImportRun.State.FAILED:
            raise ValidationError(_("Chỉ chạy lại được lần nhập bị lỗi."))
        run.state, run.message, run.rows_done = ImportRun.State.QUEUED, "", 0
        run.save(update_fields=["state", "message", "rows_done"])
        record_event(actor=actor, action=AuditAction.RETRY_IMPORT, obj=run, summary=run.file_name)
    run_import.enqueue(run.pk)
    run.refresh_from_db()
    return run


@contextmanager
def stored_file(run: ImportRun) -> Iterator[Path]:
    """The run's file as kept in the blob store, under its own name (openpyxl goes by the suffix). Read only."""
    with blob_store().local_path(run.file_sha256) as blob, tempfile.TemporaryDirectory(prefix="hoso-run-") as tmp:
        named = Path(tmp) / Path(run.file_name).name
        try:
            named.symlink_to(blob)
        except OSError:
            shutil.copyfile(blob, named)
        yield named


def columns_of(run: ImportRun) -> dict[int, str]:
    return {int(i): f for i, f in run.columns.items()}


@in_vietnamese()  # what the run keeps (its message, its rows' issues) is written down: in Vietnamese
def execute(run_id: int) -> str:
    """The background task's body: import the stored file as the user who started it, recording the progress
    (committed batch by batch) and the outcome. Safe to run again: rows already in count as unchanged."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.state not in (ImportRun.State.QUEUED, ImportRun.State.RUNNING):
            return "skipped"
        run.state, run.started_at, run.rows_done = ImportRun.State.RUNNING, timezone.now(), 0
        run.save(update_fields=["state", "started_at", "rows_done"])
    done = 0

    def progress(rows: int) -> None:
        nonlocal done
        done += rows
        ImportRun.objects.filter(pk=run.pk).update(rows_done=done)

    store = blob_store()
    try:
        with stored_file(run) as path:
            report = import_register(actor=run.created_by, path=path, sheet=run.sheet or None,
                                     columns=columns_of(run), dry_run=run.dry_run, name=run.file_name,
                                     progress=progress)
        with tempfile.TemporaryDirectory(prefix="hoso-report-") as tmp:
            out = Path(tmp) / "bao-cao.xlsx"
            write_report(report, out)
            report_sha = store.put_file(out).sha256
    except RegisterFileError as exc:
        _finish(run, state=ImportRun.State.FAILED, message=str(exc))
        return "failed"
    except Exception as exc:  # the run says why; the batches already committed stay (re-running resumes)
        log.exception("register import %s failed", run.pk)
        _finish(run, state=ImportRun.State.FAILED,
                message=f"Lỗi không lường trước sau {done} dòng: {type(exc).__name__}: {exc}"[:2000])
        return "failed"
    _finish(run, state=ImportRun.State.DONE, rows_done=max(done, report.rows), created=report.created,
            updated=report.updated, unchanged=report.unchanged, failed_rows=len(report.failed_rows),
            error_count=len(report.errors), warning_count=report.warnings_total, encodings=dict(report.encodings),
            errors=[e.stored() for e in report.errors[:ERRORS_KEPT]],
            warnings=[w.stored() for w in report.warnings[:ERRORS_KEPT]], report_sha256=report_sha)
    return "done"



@task()
def run_import(run_id: int) -> str:
    """The background import of an uploaded register (`hoso worker`)."""
    return execute(run_id)

def _finish(run: ImportRun, **fields) -> None:
    fields["finished_at"] = timezone.now()
    with transaction.atomic():
        ImportRun.objects.filter(pk=run.pk).update(**fields)
        record_event(actor=run.created_by, action=AuditAction.FINISH_IMPORT, obj=run, summary=run.file_name,
                     after={k: v for k, v in fields.items() if k not in {"errors", "warnings", "finished_at"}})


def record_download(*, actor: User, run: ImportRun, name: str) -> None:
    """The report or the original file of an import run was downloaded."""
    record_event(actor=actor, action=AuditAction.DOWNLOAD, obj=run, summary=f"{name} ({run.file_name})")
