"""The search index: one entry per dossier, over folded text (see `_documents.py` for what goes in).

On SQLite the entry's text columns are mirrored in an FTS5 table `search_fts` (rowid = entry id);
on PostgreSQL generated tsvector columns with GIN indexes hold the same folded words. Both are created by
migrations 0002 and 0003 for the database in use.

`secret`, `health` and `secret_health` hold text only some may read (see `_documents.py`): they are matched
only for an actor allowed to read them, and never shown.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hoso.records.models import Dossier


class SearchEntry(models.Model):
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="search_entry")
    # Folded text (lower-case ASCII words) per field, as indexed.
    name = models.CharField(max_length=200)
    aliases = models.TextField(blank=True)
    relatives = models.TextField(blank=True)
    places = models.TextField(blank=True)
    other = models.TextField(blank=True)
    # Restricted text: matched only for those who may read it (search/selectors.py asks records/visibility.py).
    secret = models.TextField(blank=True, help_text=_('"mật" documents: number, symbol, page words'))
    health = models.TextField(blank=True, help_text=_("page words of health documents (giám định, tổn thương …)"))
    secret_health = models.TextField(blank=True, help_text=_('page words of "mật" health documents'))
    # As written (NFC, lower case, one tone placement): to rank exact-accent matches first.
    name_exact = models.CharField(max_length=200)
    aliases_exact = models.TextField(blank=True)
    # Filters, facets, display, tie-break.
    birth_year = models.SmallIntegerField(null=True, db_index=True)
    death_year = models.SmallIntegerField(null=True, db_index=True)
    # An approximate date («khoảng 1948», «1948 (?)», «trước 1950», «sau 1945»): the years it can mean, which a
    # year in a query must overlap (PartialDate.year_range); null when the date is exact or unknown.
    birth_from = models.SmallIntegerField(null=True, db_index=True)
    birth_to = models.SmallIntegerField(null=True)
    death_from = models.SmallIntegerField(null=True, db_index=True)
    death_to = models.SmallIntegerField(null=True)
    number_key = models.CharField(max_length=20, db_index=True, help_text=_("type code + serial, e.g. ls7956"))
    number = models.CharField(max_length=40, db_index=True)
    category_code = models.CharField(max_length=3)
    unit_id = models.BigIntegerField(null=True, help_text=_("the hometown's current commune, for facets"))
    sort_key = models.CharField(max_length=1000)
    # Copies of what the visibility rule filters on (records/visibility.py `dossier_copy_q`): the dossier's
    # confidentiality and its person's places, kept with the rest of the entry by every records write. The search
    # filters the entries alone, without joining each candidate to its dossier and person (at 1.2 M people that
    # join was two thirds of reading the names that begin with the letters typed).
    confidentiality = models.CharField(max_length=6)
    residence_unit_id = models.BigIntegerField(null=True)
    hometown_unit_id = models.BigIntegerField(null=True)
    # On PostgreSQL the table also has generated tsvector columns, computed by the database from the fields above
    # (not model fields): name_vector and all_vector (migration 0002) over the text everyone who sees the dossier
    # may read, and restricted_vector (0003), only where there is restricted text: that text again with each
    # field's words weighted A (everyone's), B (secret), C (health) or D (secret_health).


class SearchTerm(models.Model):
    """The vocabulary of indexed words, for typo tolerance (a few thousand Vietnamese syllables)."""

    term = models.CharField(max_length=40, unique=True)


class SearchWord(models.Model):
    """Every word of letters (three or more) the index holds, in any field, restricted ones too (SearchTerm keeps the
    names' only, for typo corrections). A word typed as the start of a longer one is completed from it, through this
    ordered index, instead of PostgreSQL's prefix match, which gathers every entry of every word with that start
    before the query's other words can narrow anything (_retrieval._completed)."""

    word = models.CharField(max_length=40, unique=True)


class IndexState(models.Model):
    key = models.CharField(max_length=40, unique=True)
    value = models.CharField(max_length=200)
