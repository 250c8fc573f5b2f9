"""URLs of the platform operator's host (``<base domain>``): onboarding and the platform API."""

from django.urls import include, path

urlpatterns = [
    path("api/", include("cunwu.api.urls_public")),
    path("", include("cunwu.web.urls_public")),
]
