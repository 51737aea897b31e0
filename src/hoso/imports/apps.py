from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "hoso.imports"
    verbose_name = "Nhập sổ theo dõi cũ, gộp người trùng"
