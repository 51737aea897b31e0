from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("capture", "0006_batch_photos"),
    ]

    operations = [
        migrations.AddField(
            model_name="batchitem",
            name="outline",
            field=models.JSONField(blank=True, null=True, verbose_name="khung trang do người đặt"),
        ),
    ]
