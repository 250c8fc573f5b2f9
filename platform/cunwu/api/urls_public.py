"""The platform operator's API (``<base>/api/``), its OpenAPI schema and documentation.

The schema is generated from this host's URLconf only, so it holds the operator's endpoints and none of
a county's (and a county's schema, from ``cunwu.api.urls``, holds none of these).
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from cunwu.api.docs import RedocView

OPERATOR_SCHEMA = {
    "TITLE": "cunwu 村务 平台运营 API",
    "DESCRIPTION": (
        "REST API of the platform operator, on the operator's host (`<base domain>`): the counties, and "
        "onboarding or updating a county from its policy pack. Only platform operators (staff accounts "
        "of the public schema) may use it, by session or `Authorization: Token <key>`."
    ),
}

urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(urlconf="cunwu.urls_public", custom_settings=OPERATOR_SCHEMA),
        name="schema",
    ),
    path("docs/", RedocView.as_view(url_name="schema"), name="docs"),
    path("", include("cunwu.tenancy.operator_api_urls")),
]
