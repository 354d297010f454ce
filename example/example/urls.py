"""URLs of the example site: the admin, sign-in, and the gallery at the root."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from sesame.views import LoginView as LinkLoginView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/link/", LinkLoginView.as_view(), name="sesame-login"),
    path("", include("gallery.urls", namespace="gallery")),
]
