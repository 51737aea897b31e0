"""What the statistics count, kept beside the records: one narrow row per dossier (`DossierFact`).

Counting 580,000 dossiers (1.2 M people) by category, place, sex, decade and status straight from the records
joins every dossier to its person: 1.7 s on SQLite. The facts hold the same values in one table with an index that
covers every statistic, so a count reads that index only (bench/reports.py measures it). They are kept by
reports/facts.py in the transaction of every records write (the `dossiers_changed` signal), and deleted with their
dossier. Only reports/facts.py writes them.
"""

from django.db import models

from hoso.gazetteer.models import AdminUnit
from hoso.records.models import Category, Dossier


class DossierFact(models.Model):
    """The values of one dossier that statistics count by. `confidentiality`, `residence_unit` and `hometown_unit`
    (its person's) are the copies the visibility rule filters on (records/visibility.py `dossier_copy_q`)."""

    dossier = models.OneToOneField(Dossier, primary_key=True, on_delete=models.CASCADE, related_name="fact")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", db_index=False)
    residence_unit = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                       db_index=False)
    hometown_unit = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                      db_index=False)
    sex = models.CharField(max_length=3, blank=True)
    decade = models.SmallIntegerField(null=True, blank=True, help_text="thập niên sinh: 1940 cho 1940–1949")
    death_year = models.SmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=12)
    confidentiality = models.CharField(max_length=6)
    managed_from = models.DateField(
        help_text="quản lý từ ngày: quyết định công nhận sớm nhất đã ghi, hoặc ngày đăng ký hồ sơ vào hoso")

    class Meta:
        verbose_name = "số liệu thống kê của hồ sơ"
        verbose_name_plural = "số liệu thống kê của hồ sơ"
        indexes = [
            # Column order = the order statistics group by (statistics.GROUP_ORDER): any count groups by a prefix
            # of it and reads this index only, in order (no sort on SQLite).
            models.Index(fields=["category", "residence_unit", "hometown_unit", "sex", "decade", "status",
                                 "death_year", "confidentiality", "managed_from"], name="reports_fact_counts"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}"
