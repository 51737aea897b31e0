from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0005_password_set_by'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='language',
            field=models.CharField(choices=[('vi', 'Tiếng Việt'), ('en', 'English')], default='vi', max_length=5, verbose_name='ngôn ngữ giao diện'),
        ),
    ]
