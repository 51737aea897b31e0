from django.db import migrations

# SQLite: an FTS5 table over the folded fields (rowid = entry id), written by the search services.
SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "name, aliases, relatives, places, other, tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3')",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS search_fts"]
# PostgreSQL: tsvector columns the database computes itself from the same fields, with GIN indexes.
POSTGRES = [
    "ALTER TABLE search_searchentry ADD COLUMN name_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple', name || ' ' || aliases)) STORED",
    "ALTER TABLE search_searchentry ADD COLUMN all_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', name || ' ' || aliases), 'A') || "
    "setweight(to_tsvector('simple', relatives), 'B') || "
    "setweight(to_tsvector('simple', places || ' ' || other), 'C')) STORED",
    "CREATE INDEX search_name_gin ON search_searchentry USING gin (name_vector)",
    "CREATE INDEX search_all_gin ON search_searchentry USING gin (all_vector)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS search_name_gin", "DROP INDEX IF EXISTS search_all_gin",
                 "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS name_vector",
                 "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS all_vector"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})),
    ]
