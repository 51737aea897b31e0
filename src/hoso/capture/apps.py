from django.apps import AppConfig


class CaptureConfig(AppConfig):
    name = "hoso.capture"
    verbose_name = "Số hóa"
