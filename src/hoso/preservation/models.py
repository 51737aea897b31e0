"""What preservation keeps about itself: fixity runs (kiểm tra tính toàn vẹn) and the provenance of dossiers
that arrived as transfer packages (BagIt). Written only by preservation.services."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hoso.access.models import User
from hoso.records.models import Dossier


class PackageImport(models.Model):
    """A transfer package taken in: the dossier it registered and where it came from."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="package_imports")
    bag_sha256 = models.CharField(_("mã kiểm tra gói (SHA-256 của manifest)"), max_length=64, unique=True)
    zip_sha256 = models.CharField(_("SHA-256 của tệp gói"), max_length=64, blank=True)
    source_province = models.CharField(_("tỉnh gửi"), max_length=120, blank=True)
    source_province_code = models.CharField(_("mã tỉnh gửi"), max_length=3, blank=True)
    source_agency = models.CharField(_("cơ quan gửi"), max_length=200, blank=True)
    slip_number = models.CharField(_("số phiếu báo di chuyển"), max_length=30, blank=True)
    slip_date = models.DateField(_("ngày phiếu"), null=True, blank=True)
    exported_at = models.DateTimeField(_("thời điểm xuất gói"), null=True, blank=True)
    imported_at = models.DateTimeField(_("thời điểm nhập"))
    imported_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    file_count = models.PositiveIntegerField(default=0)
    size = models.BigIntegerField(default=0)
    source_events = models.JSONField(_("sự kiện bảo quản từ nơi gửi (PREMIS)"), default=list, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("gói hồ sơ đã nhập")
        verbose_name_plural = _("gói hồ sơ đã nhập")
        db_table = "archive_packageimport"  # kept from before the re-cut (the model moved from archive)


class FixityRun(models.Model):
    """One run of `hoso verify --fixity` (kiểm tra tính toàn vẹn tệp): every stored and referenced file re-hashed.

    While it runs, `position` is the last digest checked (digests are checked in sorted order), so an
    interrupted run resumes after it. Written only by preservation.services.fixity."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Đang chạy")
        INTERRUPTED = "interrupted", _("Bị ngắt, sẽ chạy tiếp")
        OK = "ok", _("Toàn vẹn")
        PROBLEMS = "problems", _("Có tệp thiếu hoặc bị thay đổi")
        ABANDONED = "abandoned", _("Đã bỏ, chạy lại từ đầu")

    status = models.CharField(_("kết quả"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)  # last checkpoint: a run saved lately is alive
    owner = models.CharField(max_length=100, blank=True)  # "host:pid" of the process running it
    checked = models.PositiveIntegerField(_("số tệp đã kiểm"), default=0)
    bytes = models.BigIntegerField(_("số byte đã đọc"), default=0)
    missing = models.JSONField(_("tệp thiếu"), default=list)
    changed = models.JSONField(_("tệp bị thay đổi"), default=list)
    position = models.CharField(max_length=64, blank=True)
    rate_mb = models.FloatField(_("giới hạn MB/giây"), default=0)
    resumed = models.PositiveSmallIntegerField(_("số lần chạy tiếp"), default=0)
    trigger = models.CharField(max_length=20, default="command")

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("lần kiểm tra toàn vẹn tệp")
        db_table = "capture_fixityrun"  # kept from before the re-cut (the model moved from capture)
