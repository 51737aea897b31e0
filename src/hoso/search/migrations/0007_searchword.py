from django.db import migrations, models

# Every word of letters the entries hold (models.SearchWord), from what the index already has: on PostgreSQL the
# lexemes of the full-text vectors (every text field is in restricted_vector where an entry has restricted text, in
# all_vector otherwise); on SQLite the vocabulary of the FTS5 table. 9 s at 580,000 entries on PostgreSQL.
POSTGRES = """
INSERT INTO search_searchword (word)
SELECT DISTINCT w FROM search_searchentry e,
       unnest(tsvector_to_array(coalesce(e.restricted_vector, e.all_vector))) w
 WHERE w ~ '^[a-z]{3,40}$'
ON CONFLICT DO NOTHING
"""
SQLITE = [
    "CREATE VIRTUAL TABLE temp.search_fts_words USING fts5vocab(main, search_fts, 'row')",
    """INSERT OR IGNORE INTO search_searchword (word)
       SELECT term FROM temp.search_fts_words WHERE length(term) BETWEEN 3 AND 40 AND term NOT GLOB '*[^a-z]*'""",
    "DROP TABLE temp.search_fts_words",
]


def fill(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in [POSTGRES] if connection.vendor == "postgresql" else SQLITE:
            cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [("search", "0006_access_copies")]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                    ("word", models.CharField(max_length=40, unique=True))],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
