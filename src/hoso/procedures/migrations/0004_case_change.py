from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("procedures", "0003_load_catalogue")]
    operations = [
        migrations.AddField(model_name="case", name="change",
                            field=models.JSONField(blank=True, default=dict, verbose_name="thay đổi hồ sơ theo kết quả")),
    ]
