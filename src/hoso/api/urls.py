from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import APIRootView, DefaultRouter

from hoso.access.permissions import SIGNED_IN

from .views import SearchView
from .views_capture import PageUploadView
from .views_records import DocumentViewSet, DossierRecordViewSet, PersonViewSet


class SchemaView(SpectacularAPIView):
    access_rule = SIGNED_IN


class RootView(APIRootView):
    access_rule = SIGNED_IN


class Router(DefaultRouter):
    APIRootView = RootView


router = Router()
router.register("dossiers", DossierRecordViewSet, basename="dossier")
router.register("people", PersonViewSet, basename="person")
router.register("documents", DocumentViewSet, basename="document")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("search/", SearchView.as_view(), name="api-search"),
    path("capture/uploads/", PageUploadView.as_view(), name="api-capture-upload"),
    *router.urls,
]
