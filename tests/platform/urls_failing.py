"""A county's URLs plus one view that fails, for the Sentry test."""

from django.urls import path

from cunwu.urls import urlpatterns as county_urlpatterns


def fail(request):
    raise RuntimeError("boom in a county")


urlpatterns = [path("boom/", fail), *county_urlpatterns]
