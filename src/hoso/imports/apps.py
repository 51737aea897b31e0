from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "hoso.imports"
    verbose_name = _("Nhập sổ theo dõi cũ, gộp người trùng")
