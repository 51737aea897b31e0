from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from hoso.access.decorators import public, rule
from hoso.access.permissions import SIGNED_IN

from . import views, views_access, views_audit, views_bulk, views_files, views_registers

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", public(auth_views.LoginView.as_view(redirect_authenticated_user=True)), name="login"),
    path("dang-xuat/", rule(SIGNED_IN)(auth_views.LogoutView.as_view()), name="logout"),
    path("doi-mat-khau/", views_access.password_change, name="password_change"),
    path("ngon-ngu/", views_access.language_set, name="language_set"),
    # The scripts' texts in the user's language (src/hoso/locale/*/LC_MESSAGES/djangojs.po).
    path("jsi18n/", rule(SIGNED_IN)(JavaScriptCatalog.as_view(domain="djangojs")), name="javascript_catalog"),
    path("xac-thuc/", views_access.otp_verify, name="otp_verify"),
    path("xac-thuc/cai-dat/", views_access.otp_setup, name="otp_setup"),
    path("quan-tri/nguoi-dung/", views_access.user_list, name="user_list"),
    path("quan-tri/nguoi-dung/moi/", views_access.user_edit, name="user_create"),
    path("quan-tri/nguoi-dung/<int:user_id>/", views_access.user_edit, name="user_edit"),
    path("quan-tri/nguoi-dung/<int:user_id>/dat-lai/", views_access.user_reset, name="user_reset"),
    path("nhat-ky/", views_audit.audit_list, name="audit_list"),
    path("nhat-ky/xuat-excel/", views_audit.audit_export, name="audit_export"),
    path("nhat-ky/kiem-tra/", views_audit.audit_check, name="audit_check"),
    path("trung-lap/", views_registers.duplicate_list, name="duplicate_list"),
    path("trung-lap/tim/", views_registers.duplicate_scan, name="duplicate_scan"),
    path("trung-lap/<int:pk>/", views_registers.duplicate_decide, name="duplicate_decide"),
    path("trung-lap/<int:pk>/hoan-tac/", views_registers.duplicate_undo, name="duplicate_undo"),
    path("", include("hoso.web.urls_import")),  # nhap-so/… (register upload, preview, mapping, progress, report)
    path("", include("hoso.web.urls_archive")),  # kho/… (archive) and muon/… (loans of originals)
    path("", include("hoso.web.urls_transfers")),  # chuyen-ho-so/… (transfers, dossier packages)
    path("", include("hoso.web.urls_capture")),  # so-hoa/… (uploads, batches, page viewer and page work)
    path("", include("hoso.web.urls_procedures")),  # thu-tuc/… (one-stop desk: intake, cases, queue, papers)
    path("", include("hoso.web.urls_reports")),  # thong-ke/… (dashboard, tables to Excel, Mẫu 100, benefits)
    path("tim-kiem/", views.search_page, name="search"),
    path("ho-so/", views.dossier_list, name="dossier_list"),
    path("ho-so/xuat/", views.dossier_export, name="dossier_export"),
    path("ho-so/moi/", views.dossier_create, name="dossier_create"),
    path("ho-so/hang-loat/", views_bulk.dossier_bulk, name="dossier_bulk"),
    path("ho-so/bo-loc/", views_bulk.saved_view_create, name="saved_view_create"),
    path("ho-so/bo-loc/<int:pk>/xoa/", views_bulk.saved_view_delete, name="saved_view_delete"),
    path("trang/<int:page_id>/anh/", views_files.page_image, name="page_image"),
    path("trang/<int:page_id>/anh-nho/", views_files.page_thumbnail, name="page_thumbnail"),
    path("ho-so/<path:number>/pdf/", views_files.dossier_pdf, name="dossier_pdf"),
    path("ho-so/<path:number>/sua/", views.dossier_edit, name="dossier_edit"),
    path("ho-so/<path:number>/than-nhan/<int:link_id>/bo/", views.relative_remove, name="relative_remove"),
    path("ho-so/<path:number>/than-nhan/<int:link_id>/", views.relative_edit, name="relative_edit"),
    path("ho-so/<path:number>/than-nhan/", views.relative_add, name="relative_add"),
    path("ho-so/<path:number>/", views.dossier_detail, name="dossier_detail"),
]
