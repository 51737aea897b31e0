from django.urls import include, path

urlpatterns = [
    path("api/", include("hoso.api.urls")),
    path("", include("hoso.web.urls")),
]
