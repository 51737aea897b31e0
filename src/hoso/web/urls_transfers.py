"""Routes of transfers between provinces (di chuyển hồ sơ) and dossier packages; included by web/urls.py."""

from django.urls import path

from . import views_transfers as views

urlpatterns = [
    path("chuyen-ho-so/", views.transfer_list, name="transfer_list"),
    path("chuyen-ho-so/nhap-goi/", views.package_import, name="package_import"),
    path("chuyen-ho-so/xuat-goi/<path:number>/", views.package_export, name="package_export"),
    path("chuyen-ho-so/lap-phieu/<path:number>/", views.transfer_create, name="transfer_create"),
    path("chuyen-ho-so/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("chuyen-ho-so/<int:pk>/phieu.pdf", views.transfer_slip, name="transfer_slip"),
    path("chuyen-ho-so/<int:pk>/goi.zip", views.transfer_package, name="transfer_package"),
    path("chuyen-ho-so/<int:pk>/da-gui/", views.transfer_send, name="transfer_send"),
    path("chuyen-ho-so/<int:pk>/da-tiep-nhan/", views.transfer_received, name="transfer_received"),
    path("chuyen-ho-so/<int:pk>/bi-tra-lai/", views.transfer_returned, name="transfer_returned"),
]
