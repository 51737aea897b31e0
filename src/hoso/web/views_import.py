"""Importing a register on the web: upload → preview as converted → confirm the column mapping → progress
(htmx polling) → report. The import itself runs in the background (registers.tasks, `hoso worker`)."""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from hoso.access.decorators import rule
from hoso.access.permissions import EDIT_DOSSIER
from hoso.core.blobs import blob_store
from hoso.core.uploads import saved_upload
from hoso.imports.columns import FIELD_LABELS
from hoso.imports.issues import for_reader_all
from hoso.imports.models import ImportRun
from hoso.imports.preview import preview_register
from hoso.imports.reader import RegisterFileError
from hoso.imports.selectors import visible_runs
from hoso.imports.services.runs import (
    SUFFIXES,
    columns_of,
    import_for_real,
    max_upload_bytes,
    record_download,
    require_import,
    retry_import,
    start_import,
    stored_file,
    upload_register,
)
from hoso.records import services as records_services

MAX_COLUMNS = 200
WARNINGS_SHOWN = 200  # on the report page; the xlsx report has every one
FIELD_CHOICES = [("", gettext_lazy("— không nhập cột này —")),
                 *((field, gettext_lazy(label)) for field, label in FIELD_LABELS.items())]


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp sổ theo dõi (Excel, CSV hoặc bảng trong văn bản Word)"),
                           allow_empty_file=True,  # our message says why
                           help_text=gettext_lazy("Nhận .xlsx, .xls, .csv, .docx (và .doc, .odt, .ods khi máy "
                                                  "chủ có LibreOffice). Sổ gõ bằng TCVN3 (ABC), VNI, VISCII, "
                                                  "VIQR, CP1258 hay Unicode đều được, kể cả dòng tiêu đề; tệp "
                                                  "gốc được lưu nguyên vẹn."),
                           widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES), "autofocus": True}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise ValidationError(gettext("Tệp %(name)s lớn %(value)s MB, quá giới hạn %(value2)s MB. Hãy chia "
                                          "sổ thành nhiều tệp.") % {
                                          "name": upload.name,
                                          "value": f'{upload.size / 2 ** 20:.0f}',
                                          "value2": f'{max_upload_bytes() / 2 ** 20:.0f}'})
        return upload


def _run(request: HttpRequest, pk: int) -> ImportRun:
    require_import(request.user)
    return get_object_or_404(visible_runs(actor=request.user), pk=pk)


@rule(EDIT_DOSSIER)
def import_upload(request: HttpRequest) -> HttpResponse:
    require_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with saved_upload(upload) as path:
            try:
                run = upload_register(actor=request.user, source=path, file_name=upload.name)
            except RegisterFileError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("import_preview", pk=run.pk)
    page = Paginator(visible_runs(actor=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "registers/import_upload.html", {"form": form, "page": page},
                  status=400 if form.errors else 200)


def _posted_columns(request: HttpRequest) -> dict[int, str]:
    columns = {}
    for key, value in request.POST.items():
        if key.startswith("col_") and key[4:].isdigit() and int(key[4:]) < MAX_COLUMNS and value in FIELD_LABELS:
            columns[int(key[4:])] = value
    return columns


@rule(EDIT_DOSSIER)
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if run.state != ImportRun.State.UPLOADED:
        return redirect("import_report" if run.finished else "import_progress", pk=run.pk)
    sheet = run.sheet
    columns = columns_of(run)
    dry_run = starting = False
    problems: list[str] = []
    if request.method == "POST":
        sheet = request.POST.get("sheet") or run.sheet
        same_sheet = sheet == request.POST.get("shown_sheet", run.sheet)
        columns = _posted_columns(request) if same_sheet else None  # another sheet: detect its columns again
        dry_run = request.POST.get("dry_run") == "on"
        starting = same_sheet and request.POST.get("action") == "start"  # a new sheet is shown before it runs
    preview = None
    try:
        with stored_file(run) as path:
            preview = preview_register(path, sheet=sheet, columns=columns)
    except RegisterFileError as exc:
        problems.append(str(exc))
    if preview is not None and request.method == "POST" and starting:
        try:
            start_import(actor=request.user, run=run, columns={c.index: c.field for c in preview.columns if c.field},
                         dry_run=dry_run, sheet=preview.sheet)
        except ValidationError as exc:
            problems += exc.messages
        else:
            return redirect("import_progress", pk=run.pk)
    if preview is not None:
        records_services.record_read(actor=request.user, obj=run, summary=f"xem trước {run.file_name}")
    return render(request, "registers/import_preview.html",
                  {"run": run, "preview": preview, "problems": problems, "choices": FIELD_CHOICES,
                   "dry_run": dry_run}, status=400 if problems else 200)


@rule(EDIT_DOSSIER)
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if request.headers.get("HX-Request"):
        if run.finished:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("import_report", kwargs={"pk": run.pk})
            return response
        return render(request, "registers/_import_progress.html", {"run": run})
    if run.finished:
        return redirect("import_report", pk=run.pk)
    if run.state == ImportRun.State.UPLOADED:
        return redirect("import_preview", pk=run.pk)
    return render(request, "registers/import_progress.html", {"run": run})


@rule(EDIT_DOSSIER)
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if not run.finished:
        return redirect("import_progress" if run.state != ImportRun.State.UPLOADED else "import_preview", pk=run.pk)
    errors = Paginator(run.errors, 50).get_page(request.GET.get("page"))
    errors.object_list = for_reader_all(errors.object_list)  # stored in Vietnamese, shown in the reader's language
    warnings = for_reader_all(run.warnings[:WARNINGS_SHOWN])
    records_services.record_read(actor=request.user, obj=run, summary=f"báo cáo {run.file_name}")
    encodings = sorted(run.encodings.items(), key=lambda kv: -kv[1])
    real_run = visible_runs(actor=request.user).filter(from_dry_run=run).order_by("pk").first() if run.dry_run else None
    return render(request, "registers/import_report.html", {"run": run, "errors": errors, "warnings": warnings,
                                                            "encodings": encodings, "real_run": real_run})


@rule(EDIT_DOSSIER)
@require_POST
def import_real(request: HttpRequest, pk: int) -> HttpResponse:
    """"Nhập thật" after a dry run: the same stored file and mapping, imported for real (no new upload)."""
    run = _run(request, pk)
    try:
        real = import_for_real(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("import_report", pk=run.pk)
    return redirect("import_progress", pk=real.pk)


@rule(EDIT_DOSSIER)
@require_POST
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    try:
        retry_import(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("import_report", pk=run.pk)
    return redirect("import_progress", pk=run.pk)


@rule(EDIT_DOSSIER)
def import_download(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """The xlsx report ("bao-cao") or the original file as uploaded ("tep-goc"); each download is audited."""
    run = _run(request, pk)
    if what == "bao-cao" and run.report_sha256:
        sha, name = run.report_sha256, f"bao-cao-{Path(run.file_name).stem}.xlsx"
    elif what == "tep-goc":
        sha, name = run.file_sha256, run.file_name
    else:
        return render(request, "404.html", status=404)
    record_download(actor=request.user, run=run, name=name)
    return FileResponse(blob_store().open(sha), as_attachment=True, filename=name)
