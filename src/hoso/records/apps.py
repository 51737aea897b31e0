from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "hoso.records"
    verbose_name = "Hồ sơ người có công"
