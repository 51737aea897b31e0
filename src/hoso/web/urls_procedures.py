"""Routes of the one-stop desk (thủ tục một cửa: tiếp nhận, thụ lý, duyệt, trả kết quả); included by web/urls.py."""

from django.urls import path

from . import views_procedures as views

urlpatterns = [
    path("thu-tuc/", views.case_queue, name="case_queue"),
    path("thu-tuc/tiep-nhan/", views.case_intake, name="case_intake"),
    path("thu-tuc/tiep-nhan/giay-to/", views.case_intake_papers, name="case_intake_papers"),
    path("thu-tuc/tiep-nhan/tim-ho-so/", views.case_dossier_lookup, name="case_dossier_lookup"),
    path("thu-tuc/giay-to/<int:pk>/", views.case_document, name="case_document"),
    path("thu-tuc/<str:number>/", views.case_detail, name="case_detail"),
    path("thu-tuc/<str:number>/thu-ly/", views.case_start, name="case_start"),
    path("thu-tuc/<str:number>/buoc-tiep/", views.case_advance, name="case_advance"),
    path("thu-tuc/<str:number>/chuyen/", views.case_send, name="case_send"),
    path("thu-tuc/<str:number>/yeu-cau-bo-sung/", views.case_request_papers, name="case_request_papers"),
    path("thu-tuc/<str:number>/du-giay-to/", views.case_papers_complete, name="case_papers_complete"),
    path("thu-tuc/<str:number>/giay-to-da-nhan/", views.case_tick_papers, name="case_tick_papers"),
    path("thu-tuc/<str:number>/duyet/", views.case_decide, name="case_decide"),
    path("thu-tuc/<str:number>/tu-choi/", views.case_refuse, name="case_refuse"),
    path("thu-tuc/<str:number>/tra-ket-qua/", views.case_return, name="case_return"),
    path("thu-tuc/<str:number>/rut/", views.case_withdraw, name="case_withdraw"),
    path("thu-tuc/<str:number>/thay-doi/", views.case_change, name="case_change"),
    path("thu-tuc/<str:number>/lap-giay-to/", views.case_document_make, name="case_document_make"),
]
