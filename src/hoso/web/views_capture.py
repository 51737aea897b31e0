"""Digitisation in the web UI: uploading many page files (drag and drop with progress, or a plain multi-file
form), onto one dossier or as a folder of dossier folders; and the batches (đợt số hóa) with their counts per
stage, operator and day, their problems and "retry the failed pages". Writes go through capture.services."""

import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, TooManyFilesSent, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, npgettext
from django.views.decorators.http import require_POST

from hoso.access.decorators import rule
from hoso.access.models import User
from hoso.access.permissions import CAPTURE, SIGNED_IN, VIEW_STATISTICS
from hoso.access.rules import user_can
from hoso.capture import selectors as capture_selectors
from hoso.capture import services
from hoso.capture.intake import ingest_folder
from hoso.capture.models import Batch, BatchItem
from hoso.capture.reasons import item_reason, rejection_text
from hoso.capture.services.preview import photo_preview
from hoso.core.uploads import saved_upload, write_upload
from hoso.imaging.checks import Rejected
from hoso.records import services as records_services
from hoso.records.models import Dossier, Page
from hoso.records.selectors import visible_pages

from .forms_capture import UploadForm
from .views_pages import visible_dossier

ITEMS_PER_PAGE = 50


def _clean_parts(relative: str) -> list[str]:
    """A dropped file's path inside the dropped folder, as safe parts (no "..", no empty, no NUL)."""
    parts = [p.replace("\x00", "").strip() for p in relative.replace("\\", "/").split("/")]
    return [p[:200] for p in parts if p and p not in (".", "..")]


def _own_batch(request: HttpRequest, form: UploadForm, dossier: Dossier | None) -> Batch:
    """The batch this upload continues (drag and drop posts one file per request), or a new one."""
    batch_id = request.POST.get("batch", "")
    if batch_id.isdigit():
        batch = Batch.objects.filter(pk=int(batch_id), operator=request.user, source=Batch.Source.UPLOAD).first()
        if batch is not None:
            return batch
    data = form.cleaned_data
    name = data.get("batch_name") or (f"Tải lên {dossier.number}" if dossier else "")
    return services.start_batch(actor=request.user, name=name, source=Batch.Source.UPLOAD,
                                run_ocr=bool(data.get("run_ocr")), photos=bool(data.get("photos")))


def _take_in(request: HttpRequest, batch: Batch, dossier: Dossier | None, upload, relative: str) -> list[BatchItem]:
    """Store one uploaded file for the dossier, or — for a dropped folder of dossier folders — for the dossier
    its folder names (with the same rules and reasons as `hoso ingest`)."""
    name = Path(upload.name or "").name or "tep"
    if dossier is not None:
        with saved_upload(upload) as path:
            return services.receive_file(actor=request.user, batch=batch, dossier=dossier, path=path, name=name,
                                         source_name=relative or name)
    with tempfile.TemporaryDirectory(prefix="hoso-upload-") as tmp:
        parts = _clean_parts(relative) or [name]
        path = Path(tmp, "root", *parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_upload(upload, path)  # where its folder names say, for ingest_folder to read like `hoso ingest`
        before = BatchItem.objects.filter(batch=batch).values_list("pk", flat=True).order_by("-pk").first() or 0
        ingest_folder(actor=request.user, root=Path(tmp, "root"), batch=batch)
        return list(BatchItem.objects.filter(batch=batch, pk__gt=before).select_related("dossier", "page"))


def _worded(items: list[BatchItem]) -> list[BatchItem]:
    """The items' reasons in the reader's language, for the page (kept in Vietnamese; the items are not saved)."""
    for item in items:
        item.reason = item_reason(item.reason_code, item.reason_params, item.reason)
    return items


def _item_json(item: BatchItem) -> dict:
    page = item.page
    return {"file": item.source_name, "dossier": item.dossier.number if item.dossier else None,
            "outcome": item.outcome, "outcome_label": item.get_outcome_display(),
            "reason": item_reason(item.reason_code, item.reason_params, item.reason) or None,
            "sequence": page.sequence if page else None,
            "state": page.state if page else None}


@rule(CAPTURE)
def upload(request: HttpRequest, number: str | None = None) -> HttpResponse:
    """GET: the drop zone and the plain form. POST: files (`files`, with `paths` for a dropped folder)."""
    dossier = visible_dossier(request, number) if number else None
    wants_json = "application/json" in request.headers.get("Accept", "")
    files = []
    if request.method == "POST":
        try:
            files = request.FILES.getlist("files")  # parses the whole body (fields too)
        except TooManyFilesSent:
            limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
            message = ngettext("Mỗi lần gửi tối đa %(count)s tệp. Hãy kéo thả tệp vào ô tải lên (gửi lần lượt từng "
                               "tệp) hoặc chia thành nhiều lần.",
                               "Mỗi lần gửi tối đa %(count)s tệp. Hãy kéo thả tệp vào ô tải lên (gửi lần lượt từng "
                               "tệp) hoặc chia thành nhiều lần.", limit) % {"count": limit}
            if wants_json:
                return JsonResponse({"error": message}, status=400)
            messages.error(request, message)
            return redirect(request.path)
    form = UploadForm(request.POST if request.method == "POST" else None, initial={"run_ocr": True})
    if request.method == "POST":
        if not files or not form.is_valid():
            message = gettext("Hãy chọn ít nhất một tệp ảnh trang (JPEG, PNG, TIFF hoặc PDF).")
            if wants_json:
                return JsonResponse({"error": message}, status=400)
            messages.error(request, message)
        else:
            batch = _own_batch(request, form, dossier)
            paths = request.POST.getlist("paths")
            items = []
            for index, upload_file in enumerate(files):
                relative = paths[index] if index < len(paths) else ""
                items += _take_in(request, batch, dossier, upload_file, relative)
            if wants_json:
                return JsonResponse({"batch": batch.pk, "batch_url": reverse("batch_detail", args=[batch.pk]),
                                     "items": [_item_json(i) for i in items]})
            added = sum(1 for i in items if i.outcome == BatchItem.Outcome.ADDED)
            refused = sum(1 for i in items if i.outcome in (BatchItem.Outcome.REFUSED, BatchItem.Outcome.QUARANTINED))
            messages.success(request, _received_message(added, refused))
            return redirect("batch_detail", pk=batch.pk)
    return render(request, "capture/upload.html", {"dossier": dossier, "form": form})


@rule(CAPTURE)
def shoot(request: HttpRequest, number: str) -> HttpResponse:
    """The tablet capture page (chụp ảnh trang): the camera opens, each shot is shown flattened for a quick
    accept or retake, and the accepted shots are added to the dossier in order (as a photo batch, through the
    same upload as the drop zone)."""
    dossier = visible_dossier(request, number)
    return render(request, "capture/shoot.html", {"dossier": dossier})


@rule(CAPTURE)
@require_POST
def shot_preview(request: HttpRequest) -> JsonResponse:
    """One shot (`shot`) found and flattened on a reduced copy, for the capture page; nothing is stored."""
    upload_file = request.FILES.get("shot")
    if upload_file is None:
        return JsonResponse({"error": gettext("Không có ảnh chụp.")}, status=400)
    name = Path(upload_file.name or "").name or "anh.jpg"
    try:
        with saved_upload(upload_file) as path:
            return JsonResponse(photo_preview(actor=request.user, path=path, name=name))
    except Rejected as exc:
        return JsonResponse({"error": rejection_text(exc, name)}, status=400)


def _check_stats(user: User) -> None:
    if not (user_can(user, CAPTURE) or user_can(user, VIEW_STATISTICS)):
        raise PermissionDenied(gettext("Bạn không có quyền xem số liệu số hóa."))


def _stage_q(stage: str) -> Q:
    if stage in (BatchItem.Outcome.SKIPPED, BatchItem.Outcome.REFUSED, BatchItem.Outcome.QUARANTINED):
        return Q(outcome=stage)
    return Q(outcome=BatchItem.Outcome.ADDED, page__state=stage)


@rule(SIGNED_IN)
def batch_list(request: HttpRequest) -> HttpResponse:
    """Batches, newest first, with their progress; below, the last 30 days per operator and per day."""
    _check_stats(request.user)
    settled = Q(items__page__state__in=[Page.State.DONE, Page.State.FAILED])
    batches = capture_selectors.visible_batches(actor=request.user).select_related("operator").order_by(
        "-created_at", "-id").annotate(
        files=Count("items"), pages=Count("items__page"), settled=Count("items", filter=settled),
        failed=Count("items", filter=Q(items__page__state=Page.State.FAILED)),
        refused=Count("items", filter=Q(items__outcome__in=[BatchItem.Outcome.REFUSED,
                                                             BatchItem.Outcome.QUARANTINED])))
    page = Paginator(batches, settings.HOSO_PAGE_SIZE).get_page(request.GET.get("page"))
    since = timezone.now() - timedelta(days=30)
    stats = capture_selectors.capture_stats(actor=request.user, since=since)
    return render(request, "capture/batch_list.html", {
        "page": page, "stats": stats, "stage_rows": _stage_rows(stats.totals),
        "can_capture": user_can(request.user, CAPTURE)})


def _stage_rows(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(s, capture_selectors.STAGE_LABELS[s], counts.get(s, 0)) for s in capture_selectors.STAGES]


def _batch(request: HttpRequest, pk: int) -> Batch:
    batch = capture_selectors.visible_batches(actor=request.user).select_related("operator").filter(pk=pk).first()
    if batch is None:
        raise Http404(gettext("Không tìm thấy đợt số hóa."))
    return batch


def _visible_items(request: HttpRequest, batch: Batch):
    return capture_selectors.batch_items(batch=batch).filter(
        pk__in=capture_selectors.visible_items(actor=request.user).values("pk"))


def _items_context(request: HttpRequest, batch: Batch) -> dict:
    """Items of the batch the user may see (their dossier visible, or none), by stage filter, paginated."""
    items = _visible_items(request, batch)
    stage = request.GET.get("giai_doan", "")
    if stage in capture_selectors.STAGES:
        items = items.filter(_stage_q(stage))
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = _worded(list(page.object_list))
    done, total = capture_selectors.batch_progress(batch=batch)
    return {"batch": batch, "items_page": page, "stage": stage, "labels": capture_selectors.STAGE_LABELS,
            "items_query": urlencode({"giai_doan": stage}) if stage else "",  # the stage filter survives paging
            "done": done, "total": total, "pending": done < total,
            "worker": (capture_selectors.worker_state(waiting_since=capture_selectors.batch_waiting_since(batch=batch))
                       if done < total else None),
            "counts": capture_selectors.batch_counts(batch=batch), "can_capture": user_can(request.user, CAPTURE)}


@rule(SIGNED_IN)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _check_stats(request.user)
    batch = _batch(request, pk)
    context = _items_context(request, batch)
    records_services.record_list_read(actor=request.user, object_type="batch", page=context["items_page"].number,
                                      keys=sorted({i.dossier.number for i in context["items_page"].object_list
                                                   if i.dossier_id}), filters={"batch": batch.pk})
    if request.headers.get("HX-Request") == "true":
        return render(request, "capture/_batch_items.html", context)
    stats = capture_selectors.capture_stats(actor=request.user, batch=batch)
    problems = _worded(list(_visible_items(request, batch).filter(
        _stage_q("failed") | _stage_q("refused") | _stage_q("quarantined"))[:200]))
    context.update(stats=stats, problems=problems, stage_rows=_stage_rows(context["counts"]))
    return render(request, "capture/batch_detail.html", context)


def _received_message(added: int, refused: int) -> str:
    """One whole sentence per case; Vietnamese reads the same, the context tells English "1 file" from "3 files"."""
    values = {"added": added, "refused": refused}
    if refused == 1:
        return npgettext("one file refused",
                         "Đã nhận %(added)s trang; %(refused)s tệp không nhận (xem lý do bên dưới).",
                         "Đã nhận %(added)s trang; %(refused)s tệp không nhận (xem lý do bên dưới).", added) % values
    return npgettext("several files refused",
                     "Đã nhận %(added)s trang; %(refused)s tệp không nhận (xem lý do bên dưới).",
                     "Đã nhận %(added)s trang; %(refused)s tệp không nhận (xem lý do bên dưới).", added) % values


@rule(CAPTURE)
@require_POST
def batch_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue again every failed page of the batch."""
    batch = _batch(request, pk)
    failed = visible_pages(actor=request.user).filter(capture__batch=batch, state=Page.State.FAILED)
    try:
        count = 0
        for page in failed.order_by("dossier_id", "sequence"):  # only pages of dossiers the user may see
            services.retry_page(actor=request.user, page=page)
            count += 1
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, ngettext("Đã xếp lại %(count)s trang lỗi vào hàng chờ xử lý.",
                                           "Đã xếp lại %(count)s trang lỗi vào hàng chờ xử lý.", count) % {
                                           "count": count}
                         if count else gettext("Đợt này không có trang lỗi nào."))
    return redirect("batch_detail", pk=batch.pk)
