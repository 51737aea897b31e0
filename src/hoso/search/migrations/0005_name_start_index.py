from django.db import migrations

from hoso.core.migration_operations import VendorSQL


class Migration(migrations.Migration):
    """PostgreSQL: the folded name in byte order ("C": folded names are ASCII), for names that begin with the words
    typed, read in that order (search as you type: "ngu", "nguyen van" — PostgresBackend.name_start). SQLite's FTS5
    table has its own prefix indexes."""

    dependencies = [("search", "0004_approximate_year_spans")]
    operations = [
        VendorSQL("postgresql", 'CREATE INDEX IF NOT EXISTS search_name_start ON search_searchentry ((name COLLATE "C"))',
                  "DROP INDEX IF EXISTS search_name_start"),
    ]
