"""URLs of a county's host (``<slug>.<base domain>``)."""

from django.urls import include, path

CORE_PAGE_APPS = ["orgs", "roles", "ledger", "disclosure", "evidence", "audit", "meetings"]

urlpatterns = [
    path("api/", include("cunwu.api.urls")),
    path("", include("cunwu.plugins.urls")),
    *[path(f"{app}/", include(f"cunwu.{app}.urls")) for app in CORE_PAGE_APPS],
    path("", include("cunwu.web.urls")),
]
