"""Routes of the paper archive (kho) and of loans of originals (mượn hồ sơ); included by web/urls.py."""

from django.urls import path

from . import views_archive, views_loans

urlpatterns = [
    path("kho/", views_archive.archive_home, name="archive_home"),
    path("kho/vi-tri/moi/", views_archive.location_create, name="archive_location_create"),
    path("kho/vi-tri/<int:pk>/", views_archive.location_detail, name="archive_location"),
    path("kho/chuyen/", views_archive.move, name="archive_move"),
    path("kho/kiem-ke/", views_archive.inventory_new, name="archive_inventory_new"),
    path("kho/kiem-ke/<int:pk>/", views_archive.inventory_detail, name="archive_inventory"),
    path("kho/kiem-ke/<int:pk>/cap-nhat/", views_archive.inventory_apply, name="archive_inventory_apply"),
    path("kho/nhan/", views_archive.label_sheets, name="archive_labels"),
    path("muon/", views_loans.loan_list, name="loan_list"),
    path("muon/nhan-tra/", views_loans.loan_return_scan, name="loan_return_scan"),
    path("muon/de-nghi/<path:number>/", views_loans.loan_request, name="loan_request"),
    path("muon/<int:pk>/", views_loans.loan_detail, name="loan_detail"),
    path("muon/<int:pk>/in/", views_loans.loan_slip, name="loan_slip"),
    path("muon/<int:pk>/duyet/", views_loans.loan_approve, name="loan_approve"),
    path("muon/<int:pk>/tu-choi/", views_loans.loan_refuse, name="loan_refuse"),
    path("muon/<int:pk>/huy/", views_loans.loan_cancel, name="loan_cancel"),
    path("muon/<int:pk>/giao/", views_loans.loan_check_out, name="loan_check_out"),
    path("muon/<int:pk>/tra/", views_loans.loan_return, name="loan_return"),
    path("muon/<int:pk>/nhac/", views_loans.loan_remind, name="loan_remind"),
]
