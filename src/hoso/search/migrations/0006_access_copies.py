from django.db import migrations, models

# Every entry takes its dossier's confidentiality and its person's places (models.SearchEntry): one statement, the
# same on PostgreSQL and SQLite (3.33+), instead of rebuilding the whole index. Until then an entry counts as "mật"
# with no place: seen only by those who see everything.
FILL = """
UPDATE search_searchentry
   SET confidentiality = d.confidentiality,
       residence_unit_id = p.residence_unit_id,
       hometown_unit_id = p.hometown_unit_id
  FROM records_dossier d JOIN records_person p ON p.id = d.subject_id
 WHERE d.id = search_searchentry.dossier_id
"""


class Migration(migrations.Migration):

    dependencies = [("search", "0005_name_start_index"), ("records", "0006_page_screen")]

    operations = [
        migrations.AddField(model_name="searchentry", name="confidentiality",
                            field=models.CharField(default="mat", max_length=6), preserve_default=False),
        migrations.AddField(model_name="searchentry", name="residence_unit_id",
                            field=models.BigIntegerField(null=True)),
        migrations.AddField(model_name="searchentry", name="hometown_unit_id",
                            field=models.BigIntegerField(null=True)),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
