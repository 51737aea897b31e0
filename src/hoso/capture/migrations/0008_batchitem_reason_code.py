from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('capture', '0007_batchitem_outline_set_by_a_person'),
    ]

    operations = [
        migrations.AddField(
            model_name='batchitem',
            name='reason_code',
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name='batchitem',
            name='reason_params',
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
