"""The platform operator's API (``<base>/api/``)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(urlconf="cunwu.urls_public"), name="schema"),
]
