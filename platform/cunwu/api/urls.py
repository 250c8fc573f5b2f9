"""REST API of a county (``<slug>.<base>/api/``) and its OpenAPI schema.

Each core app owns its routes in ``<app>/api_urls.py``; plugins' routes are mounted by
``cunwu.plugins.urls`` under ``/api/<slug>/``.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from cunwu.api.docs import RedocView

CORE_API_APPS = ["tenancy", "orgs", "roles", "ledger", "disclosure", "evidence", "audit", "meetings"]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", RedocView.as_view(url_name="schema"), name="docs"),
    *[path("", include(f"cunwu.{app}.api_urls")) for app in CORE_API_APPS],
]
