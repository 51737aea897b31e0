"""Routes of the one-stop desk (thủ tục một cửa: tiếp nhận, thụ lý, duyệt, trả kết quả), the catalogue and calendar
screens, and the public tracking page (tra-cuu/, no sign-in); included by web/urls.py."""

from django.urls import path

from . import views_procedures as views
from . import views_procedures_admin as admin
from . import views_procedures_links as links

urlpatterns = [
    path("thu-tuc/", views.case_queue, name="case_queue"),
    path("thu-tuc/tiep-nhan/", views.case_intake, name="case_intake"),
    path("thu-tuc/tiep-nhan/giay-to/", views.case_intake_papers, name="case_intake_papers"),
    path("thu-tuc/tiep-nhan/tim-ho-so/", views.case_dossier_lookup, name="case_dossier_lookup"),
    path("thu-tuc/giay-to/<int:pk>/", views.case_document, name="case_document"),
    path("thu-tuc/tep/<int:pk>/", links.case_file, name="case_file"),
    path("thu-tuc/danh-muc/", admin.procedure_catalogue, name="procedure_catalogue"),
    path("thu-tuc/danh-muc/<slug:code>/", admin.procedure_kind, name="procedure_kind"),
    path("thu-tuc/lich/", admin.procedure_calendar, name="procedure_calendar"),
    path("thu-tuc/lich/bo-ngay/", admin.procedure_calendar_clear, name="procedure_calendar_clear"),
    path("tra-cuu/", admin.case_tracking, name="case_tracking"),
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
    path("thu-tuc/<str:number>/muon-ban-goc/", links.case_original_request, name="case_original_request"),
    path("thu-tuc/<str:number>/tai-giay-to/", links.case_file_upload, name="case_file_upload"),
    path("thu-tuc/<str:number>/lap-ho-so/", links.case_register_dossier, name="case_register_dossier"),
]
