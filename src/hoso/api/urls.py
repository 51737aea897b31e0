from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from .views import DossierViewSet, SearchView

router = DefaultRouter()
router.register("dossiers", DossierViewSet, basename="dossier")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("search/", SearchView.as_view(), name="api-search"),
    *router.urls,
]
