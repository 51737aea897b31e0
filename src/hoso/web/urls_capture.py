"""Routes of digitisation (so-hoa/…): uploads, batches, and page work on a dossier; included by web/urls.py."""

from django.urls import path

from . import views_capture, views_outline, views_pages

urlpatterns = [
    path("so-hoa/", views_capture.batch_list, name="batch_list"),
    path("so-hoa/tai-len/", views_capture.upload, name="capture_upload"),
    path("so-hoa/dot/<int:pk>/", views_capture.batch_detail, name="batch_detail"),
    path("so-hoa/dot/<int:pk>/thu-lai/", views_capture.batch_retry, name="batch_retry"),
    path("so-hoa/trang/<int:page_id>/thu-lai/", views_pages.page_retry, name="page_retry"),
    path("so-hoa/trang/<int:page_id>/anh-chup/", views_outline.page_photo, name="page_photo"),
    path("so-hoa/trang/<int:page_id>/khung-trang/", views_outline.page_outline, name="page_outline"),
    path("so-hoa/ho-so/<path:number>/tai-len/", views_capture.upload, name="dossier_upload"),
    path("so-hoa/ho-so/<path:number>/chup/", views_capture.shoot, name="dossier_shoot"),
    path("so-hoa/xem-anh-chup/", views_capture.shot_preview, name="shot_preview"),
    path("so-hoa/ho-so/<path:number>/trang-thai/", views_pages.page_strip, name="page_strip"),
    path("so-hoa/ho-so/<path:number>/sap-xep/", views_pages.reorder, name="page_reorder"),
    path("so-hoa/ho-so/<path:number>/van-ban/", views_pages.document_save, name="page_document"),
    path("so-hoa/ho-so/<path:number>/tinh-trang/", views_pages.dossier_status, name="dossier_status"),
    path("so-hoa/ho-so/<path:number>/", views_pages.page_viewer, name="page_viewer"),
]
