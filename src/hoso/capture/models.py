"""Digitisation batches (đợt số hóa), what became of every file handed in, and dossiers' access copies.

A page's processing state is the records.Page's own `state` (queued, processing, done, failed + error);
the batch item beside it keeps where the page came from and the bookkeeping of its processing attempts.
Only capture.services writes these models.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoso.records.models import Dossier, Page


class Batch(models.Model):
    """Đợt số hóa: one run of `hoso ingest` over a scanner folder, or one upload."""

    class Source(models.TextChoices):
        FOLDER = "thu_muc", _("Thư mục quét")
        UPLOAD = "tai_len", _("Tải lên")

    name = models.CharField(_("tên đợt"), max_length=200)
    source = models.CharField(_("nguồn"), max_length=8, choices=Source.choices, default=Source.FOLDER)
    folder = models.CharField(_("thư mục"), max_length=1000, blank=True)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("người thực hiện"))
    run_ocr = models.BooleanField(_("nhận dạng chữ"), default=True)
    # Ảnh chụp: pages photographed (too fragile to scan): each is found in its photo, flattened and evenly lit.
    photos = models.BooleanField(_("ảnh chụp trang giấy"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("đợt số hóa")
        verbose_name_plural = _("đợt số hóa")

    def __str__(self) -> str:
        return self.name


class BatchItem(models.Model):
    """One page handed in with a batch (a multi-page TIFF or PDF gives one item per page), or one file or
    folder that was not taken in, with the reason."""

    class Outcome(models.TextChoices):
        ADDED = "added", _("Đã nhận")
        SKIPPED = "skipped", _("Đã có, bỏ qua")
        REFUSED = "refused", pgettext_lazy("model", "Từ chối")
        QUARANTINED = "quarantined", _("Cách ly")

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="items")
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    page = models.OneToOneField(Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="capture")
    source_name = models.CharField(_("tệp như đã nộp"), max_length=500)
    original_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    kind = models.CharField(max_length=8, blank=True)
    frame = models.PositiveIntegerField(_("trang trong tệp"), default=0)
    master_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    size = models.BigIntegerField(null=True, blank=True)
    outcome = models.CharField(_("kết quả tiếp nhận"), max_length=12, choices=Outcome.choices)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    # The reason's code and parameters (capture/reasons.py words them in the reader's language); `reason` is the
    # same in Vietnamese, as written down. Empty for items from before, or a reason without one.
    reason_code = models.CharField(max_length=40, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)
    # Khung trang do người đặt: for a photographed page, the page's outline as a person set it in the viewer
    # ({"corners": [[x, y] × 4] in the upright photo's pixels, "by": username, "by_name", "at"}); every later
    # processing of the page flattens it from these corners instead of looking for the page.
    outline = models.JSONField(_("khung trang do người đặt"), null=True, blank=True)
    # Processing attempts (the page's state itself is Page.state).
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=100, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["batch", "id"]
        indexes = [models.Index(fields=["dossier", "master_sha256", "frame"], name="capture_item_dedupe")]


class AccessCopy(models.Model):
    """Bản sao phục vụ: a dossier's processed pages, in order, as one PDF/A-2b with its text layer."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="access_copy")
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    page_count = models.PositiveIntegerField()
    pages_digest = models.CharField(max_length=64, help_text=_("hash of the page copies it was built from"))
    built_at = models.DateTimeField()


class WorkerBeat(models.Model):
    """A running worker's sign of life: written when it starts, again every few seconds while it runs (idle or
    busy), deleted when it stops. Pages and imports that wait say whether anyone will pick them up."""

    worker_id = models.CharField(_("tiến trình"), max_length=80, unique=True)
    started_at = models.DateTimeField(_("chạy từ"))
    seen_at = models.DateTimeField(_("lần báo gần nhất"), db_index=True)

    class Meta:
        verbose_name = _("tiến trình xử lý nền")
        verbose_name_plural = _("tiến trình xử lý nền")
