from django.db import migrations


def mark(apps, schema_editor):
    """The shipped steps that work on the paper original (catalogue_data.NEEDS_ORIGINAL), in the shipped version only:
    an administrator's later versions say what they say."""
    from hoso.procedures.catalogue_data import NEEDS_ORIGINAL

    step_model = apps.get_model("procedures", "ProcedureStep")
    for code, position in NEEDS_ORIGINAL:
        step_model.objects.filter(version__kind__code=code, version__number=1, version__note="Danh mục ban đầu",
                                  position=position).update(needs_original=True)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0005_case_links")]
    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
