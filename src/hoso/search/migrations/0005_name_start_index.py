from django.db import migrations

# PostgreSQL: the folded name in byte order ("C": folded names are ASCII), for names that begin with the words typed,
# read in that order (search as you type: "ngu", "nguyen van" — PostgresBackend.name_start). SQLite's FTS5 table
# has its own prefix indexes.
POSTGRES = ['CREATE INDEX IF NOT EXISTS search_name_start ON search_searchentry ((name COLLATE "C"))']
POSTGRES_DROP = ["DROP INDEX IF EXISTS search_name_start"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0004_approximate_year_spans")]
    operations = [migrations.RunPython(_run({"postgresql": POSTGRES}), _run({"postgresql": POSTGRES_DROP}))]
