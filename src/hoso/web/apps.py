from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hoso.web"
    verbose_name = "Giao diện web"
