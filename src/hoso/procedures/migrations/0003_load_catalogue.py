from django.db import migrations


def load(apps, schema_editor):
    from hoso.procedures.catalogue_data import seed

    seed(apps.get_model("procedures", "ProcedureKind"), apps.get_model("procedures", "ProcedureVersion"),
         apps.get_model("procedures", "ProcedureStep"))


class Migration(migrations.Migration):
    dependencies = [("procedures", "0002_catalogue_and_cases")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
