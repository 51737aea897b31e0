from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import APIRootView, DefaultRouter

from hoso.access.permissions import SIGNED_IN

from .views import DossierViewSet, SearchView


class SchemaView(SpectacularAPIView):
    access_rule = SIGNED_IN


class RootView(APIRootView):
    access_rule = SIGNED_IN


class Router(DefaultRouter):
    APIRootView = RootView


router = Router()
router.register("dossiers", DossierViewSet, basename="dossier")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("search/", SearchView.as_view(), name="api-search"),
    *router.urls,
]
