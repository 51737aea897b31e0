from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "name, aliases, relatives, places, other, tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3')",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS search_fts"]
POSTGRES = [
    "CREATE INDEX IF NOT EXISTS search_name_gin ON search_searchentry USING gin (name_vector)",
    "CREATE INDEX IF NOT EXISTS search_all_gin ON search_searchentry USING gin (all_vector)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS search_name_gin", "DROP INDEX IF EXISTS search_all_gin"]


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
