from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "hoso.registers"
    verbose_name = "Nhập sổ theo dõi cũ"
