"""What the statistics count, kept beside the records: one narrow row per dossier (`DossierFact`).

Counting 580,000 dossiers (1.2 M people) by category, place, sex, decade and status straight from the records
joins every dossier to its person: 1.7 s on SQLite. The facts hold the same values in one table with an index that
covers every statistic, so a count reads that index only (bench/reports.py measures it). They are kept by
reports/facts.py in the transaction of every records write (the `dossiers_changed` signal), and deleted with their
dossier. Only reports/facts.py writes them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

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
    decade = models.SmallIntegerField(null=True, blank=True, help_text=_("thập niên sinh: 1940 cho 1940–1949"))
    death_year = models.SmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=12)
    confidentiality = models.CharField(max_length=6)
    managed_from = models.DateField(
        help_text=_("quản lý từ ngày: quyết định công nhận sớm nhất đã ghi, hoặc ngày đăng ký hồ sơ vào hoso"))

    class Meta:
        verbose_name = _("số liệu thống kê của hồ sơ")
        verbose_name_plural = _("số liệu thống kê của hồ sơ")
        indexes = [
            # Column order = the order statistics group by (statistics.GROUP_ORDER): any count groups by a prefix
            # of it and reads this index only, in order (no sort on SQLite).
            models.Index(fields=["category", "residence_unit", "hometown_unit", "sex", "decade", "status",
                                 "death_year", "confidentiality", "managed_from"], name="reports_fact_counts"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}"


class BenefitSpell(models.Model):
    """A time during which one monthly decision (trợ cấp hằng tháng, tuất, điều chỉnh) is the one in force for one
    beneficiary of one dossier: from `valid_from` to `valid_until` (inclusive; None: not ended), with its amount.
    The monthly figures as of a date count the spells that cover the date (reports/benefits.py says how spells are
    made from the decisions). `category`, `confidentiality` and the person's places are copies, as in DossierFact,
    so that the count reads this table's index only. Kept with the facts (reports/facts.py) on every records write."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", db_index=False)
    confidentiality = models.CharField(max_length=6)
    residence_unit = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                       db_index=False)
    hometown_unit = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                      db_index=False)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    monthly_amount = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("thời gian hưởng trợ cấp hằng tháng")
        verbose_name_plural = _("thời gian hưởng trợ cấp hằng tháng")
        indexes = [
            # Grouped by category in index order, filtered on the dates and the visibility copies, summed: one read
            # of this index and nothing else (no sort, no table rows).
            models.Index(fields=["category", "valid_from", "valid_until", "monthly_amount", "confidentiality",
                                 "residence_unit", "hometown_unit"], name="reports_spell_sums"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.valid_from}–{self.valid_until or ''}"
