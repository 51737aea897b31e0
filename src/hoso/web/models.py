"""What the web UI keeps for each user: their saved list views (bộ lọc đã lưu). Written only by web.services."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedView(models.Model):
    """A list's filters and sort, saved by a user under a name; only its owner sees it. `query` is the list's query
    string as web.lists.saved_query cleaned it (known parameters only, no page)."""

    class ListName(models.TextChoices):
        DOSSIERS = "dossier_list", _("Danh sách hồ sơ")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    list_name = models.CharField(max_length=40, choices=ListName.choices, default=ListName.DOSSIERS)
    name = models.CharField(_("tên bộ lọc"), max_length=80)
    query = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "list_name", "name"], name="saved_view_name_once")]
        verbose_name = _("bộ lọc đã lưu")
        verbose_name_plural = _("bộ lọc đã lưu")

    def __str__(self) -> str:
        return self.name
