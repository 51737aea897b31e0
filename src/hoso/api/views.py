"""Read-only API over dossiers; every list and item passes through the access selector."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.access.permissions import VIEW_DOSSIER
from hoso.records import selectors, services
from hoso.search import selectors as search_selectors
from hoso.search import services as search_services

from .errors import ERROR_400, ERROR_403
from .fields import Integer, Text
from .serializers import DossierSerializer, SearchResultSerializer


class DossierViewSet(viewsets.ReadOnlyModelViewSet):
    access_rule = VIEW_DOSSIER
    serializer_class = DossierSerializer
    lookup_field = "number"
    lookup_value_regex = "[^?#]+"

    def get_queryset(self):
        return (selectors.visible_dossiers(actor=self.request.user)
                .select_related("subject", "category").prefetch_related("subject__aliases")
                .order_by("subject__sort_key", "number"))

    def get_object(self):
        dossier = services.open_dossier(actor=self.request.user, number=self.kwargs["number"])
        if dossier is None:
            raise NotFound(_("Không tìm thấy hồ sơ hoặc bạn không có quyền xem."))
        return dossier


class SearchQuerySerializer(serializers.Serializer):
    q = Text(required=True, allow_blank=True, trim_whitespace=False, help_text="Câu tìm: tên, năm, quê, số hồ sơ")
    limit = Integer(min_value=1, max_value=200, default=20)
    offset = Integer(min_value=0, max_value=100_000, default=0)
    category = Text(max_length=3)
    unit = Integer(min_value=1, max_value=2**63 - 1)
    decade = Integer(min_value=1800, max_value=2100)


class SearchView(APIView):
    """Search people and dossiers as the signed-in user sees them (access applied inside the query)."""

    access_rule = VIEW_DOSSIER

    @extend_schema(parameters=[SearchQuerySerializer], responses={200: SearchResultSerializer, 400: ERROR_400,
                                                                  403: ERROR_403},
                   description="Tìm hồ sơ: không dấu, sai chính tả, đảo thứ tự, bí danh, tên xã cũ/mới, năm sinh.")
    def get(self, request):
        params = SearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        result = search_services.search(
            actor=request.user, text=data["q"], limit=data["limit"], offset=data["offset"],
            filters=search_selectors.Filters(category=data.get("category", ""), unit_id=data.get("unit"),
                                             decade=data.get("decade")))
        return Response(SearchResultSerializer(result).data)
