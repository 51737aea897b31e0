from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class RecordsConfig(AppConfig):
    name = "hoso.records"
    verbose_name = pgettext_lazy("tên phân hệ", "Hồ sơ người có công")
