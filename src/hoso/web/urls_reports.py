"""Routes of the statistics (thong-ke/…): the dashboard, tables to Excel, Mẫu 100, benefits; included by web/urls.py."""

from django.urls import path

from . import views_reports as views

urlpatterns = [
    path("thong-ke/", views.dashboard, name="reports_dashboard"),
    path("thong-ke/excel/<slug:table>/", views.export, name="reports_export"),
    path("thong-ke/mau-100/", views.mau100, name="reports_mau100"),
    path("thong-ke/tro-cap/", views.benefits, name="reports_benefits"),
]
