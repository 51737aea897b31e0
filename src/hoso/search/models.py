"""The search index: one entry per dossier, over folded text (see `_documents.py` for what goes in).

On SQLite the entry's text columns are mirrored in an FTS5 table `search_fts` (rowid = entry id);
on PostgreSQL two tsvector columns with GIN indexes hold the same folded words. Both are created by
migration 0002 for the database in use.
"""

from django.db import models

from hoso.records.models import Dossier


class SearchEntry(models.Model):
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="search_entry")
    # Folded text (lower-case ASCII words) per field, as indexed.
    name = models.CharField(max_length=200)
    aliases = models.TextField(blank=True)
    relatives = models.TextField(blank=True)
    places = models.TextField(blank=True)
    other = models.TextField(blank=True)
    # As written (NFC, lower case, one tone placement): to rank exact-accent matches first.
    name_exact = models.CharField(max_length=200)
    aliases_exact = models.TextField(blank=True)
    # Filters, facets, display, tie-break.
    birth_year = models.SmallIntegerField(null=True, db_index=True)
    death_year = models.SmallIntegerField(null=True, db_index=True)
    number_key = models.CharField(max_length=20, db_index=True, help_text="type code + serial, e.g. ls7956")
    number = models.CharField(max_length=40, db_index=True)
    category_code = models.CharField(max_length=3)
    unit_id = models.BigIntegerField(null=True, help_text="the hometown's current commune, for facets")
    sort_key = models.CharField(max_length=1000)
    # On PostgreSQL the table also has two generated tsvector columns, name_vector and all_vector (migration
    # 0004), computed by the database from the fields above; they are not model fields.


class SearchTerm(models.Model):
    """The vocabulary of indexed words, for typo tolerance (a few thousand Vietnamese syllables)."""

    term = models.CharField(max_length=40, unique=True)


class IndexState(models.Model):
    key = models.CharField(max_length=40, unique=True)
    value = models.CharField(max_length=200)
