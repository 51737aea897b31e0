from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "hoso.procedures"
    verbose_name = "Thủ tục hành chính"
