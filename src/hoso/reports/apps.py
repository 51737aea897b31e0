from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "hoso.reports"
    verbose_name = "Thống kê, xuất danh sách"
