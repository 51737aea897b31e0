from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "hoso.api"
    verbose_name = "API"
