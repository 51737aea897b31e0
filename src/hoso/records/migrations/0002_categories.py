from django.db import migrations


def load(apps, schema_editor):
    from hoso.records.categories import CATEGORIES

    Category = apps.get_model("records", "Category")
    for order, (code, clause, name) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(code=code, defaults={"clause": clause, "name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
