"""nhap-so/…: importing a register on the web (upload, preview and mapping, progress, report)."""

from django.urls import path

from . import views_import

urlpatterns = [
    path("nhap-so/", views_import.import_upload, name="import_upload"),
    path("nhap-so/<int:pk>/", views_import.import_preview, name="import_preview"),
    path("nhap-so/<int:pk>/tien-do/", views_import.import_progress, name="import_progress"),
    path("nhap-so/<int:pk>/bao-cao/", views_import.import_report, name="import_report"),
    path("nhap-so/<int:pk>/chay-lai/", views_import.import_retry, name="import_retry"),
    path("nhap-so/<int:pk>/nhap-that/", views_import.import_real, name="import_real"),
    path("nhap-so/<int:pk>/tai/<slug:what>/", views_import.import_download, name="import_download"),
]
