"""Restricted text in the search index (findings M2, M3): the number, symbol and page words of "mật" documents and
the page words of health documents leave `other` for fields matched only for those who may read them.

SQLite: the FTS5 table is made again with the three restricted columns (empty: the index's SCHEMA_VERSION went up,
so `migrate` rebuilds every entry right after, in its post_migrate hook, search/apps.py). PostgreSQL: a generated
`restricted_vector`, only where an entry has restricted text, with each field's words weighted A (everyone's), B
(secret), C (health) or D (secret_health), and a partial GIN index over it; `all_vector` keeps everyone's text
only once the rebuild has moved the restricted words out of `other`.
"""

from django.db import migrations, models

FTS = ("CREATE VIRTUAL TABLE search_fts USING fts5({columns}, "
       "tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3')")
OLD_COLUMNS = "name, aliases, relatives, places, other"
NEW_COLUMNS = OLD_COLUMNS + ", secret, health, secret_health"
SQLITE = ["DROP TABLE IF EXISTS search_fts", FTS.format(columns=NEW_COLUMNS)]
SQLITE_BACK = ["DROP TABLE IF EXISTS search_fts", FTS.format(columns=OLD_COLUMNS)]
POSTGRES = [
    "ALTER TABLE search_searchentry ADD COLUMN restricted_vector tsvector GENERATED ALWAYS AS ("
    "CASE WHEN secret = '' AND health = '' AND secret_health = '' THEN NULL ELSE "
    "setweight(to_tsvector('simple', name || ' ' || aliases || ' ' || relatives || ' ' || places || ' ' || other), "
    "'A') || "
    "setweight(to_tsvector('simple', secret), 'B') || "
    "setweight(to_tsvector('simple', health), 'C') || "
    "setweight(to_tsvector('simple', secret_health), 'D') END) STORED",
    "CREATE INDEX search_restricted_gin ON search_searchentry USING gin (restricted_vector) "
    "WHERE restricted_vector IS NOT NULL",
]
POSTGRES_BACK = ["DROP INDEX IF EXISTS search_restricted_gin",
                 "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS restricted_vector"]


def _run(statements_by_vendor, *, forward: bool):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
        if forward:  # whatever was indexed before is rebuilt by the post_migrate hook of this `migrate`
            apps.get_model("search", "IndexState").objects.filter(key="schema_version").delete()
        # Going back, the index is left for the older code's own `migrate` to rebuild (its SCHEMA_VERSION differs):
        # this code could not write the older table.
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_backend_indexes")]
    operations = [
        migrations.AddField(model_name="searchentry", name="secret", field=models.TextField(
            blank=True, help_text='"mật" documents: number, symbol, page words')),
        migrations.AddField(model_name="searchentry", name="health", field=models.TextField(
            blank=True, help_text="page words of health documents (giám định, tổn thương …)")),
        migrations.AddField(model_name="searchentry", name="secret_health", field=models.TextField(
            blank=True, help_text='page words of "mật" health documents')),
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}, forward=True),
                             _run({"sqlite": SQLITE_BACK, "postgresql": POSTGRES_BACK}, forward=False)),
    ]
