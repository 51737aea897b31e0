from django.apps import AppConfig


class GazetteerConfig(AppConfig):
    name = "hoso.gazetteer"
    verbose_name = "Đơn vị hành chính"
