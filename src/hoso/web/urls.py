from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tim-kiem/", views.search_page, name="search"),
    path("ho-so/", views.dossier_list, name="dossier_list"),
    path("ho-so/moi/", views.dossier_create, name="dossier_create"),
    path("ho-so/<path:number>/sua/", views.dossier_edit, name="dossier_edit"),
    path("ho-so/<path:number>/than-nhan/", views.relative_add, name="relative_add"),
    path("ho-so/<path:number>/", views.dossier_detail, name="dossier_detail"),
]
