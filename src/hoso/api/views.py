"""Read-only API over dossiers; every list and item passes through the access selector."""

from rest_framework import viewsets
from rest_framework.exceptions import NotFound

from hoso.records import selectors

from .serializers import DossierSerializer


class DossierViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DossierSerializer
    lookup_field = "number"
    lookup_value_regex = "[^?#]+"

    def get_queryset(self):
        return (selectors.visible_dossiers(actor=self.request.user)
                .select_related("subject", "category").prefetch_related("subject__aliases")
                .order_by("subject__sort_key", "number"))

    def get_object(self):
        dossier = selectors.dossier_detail(actor=self.request.user, number=self.kwargs["number"])
        if dossier is None:
            raise NotFound("Không tìm thấy hồ sơ hoặc bạn không có quyền xem.")
        return dossier
