"""URLs of a county's host (``<slug>.<base domain>``)."""

from django.urls import include, path

urlpatterns = [
    path("api/", include("cunwu.api.urls")),
    path("", include("cunwu.plugins.urls")),
    path("", include("cunwu.web.urls")),
]
