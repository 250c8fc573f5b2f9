"""Route each request to its county's schema, or to the public schema for the operator's host."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import set_urlconf
from django_tenants.utils import remove_www

from cunwu.tenancy.routing import county_for_host


class CountyRoutingMiddleware:
    """Sets ``request.county`` (``None`` on the operator's host) and the connection's schema.

    The schema is only switched when it differs from the connection's current one: with
    ``TENANT_LIMIT_SET_CALLS`` the ``SET search_path`` round trip is then paid once per switch.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        host = remove_www(request.get_host().split(":")[0]).lower()
        county = county_for_host(host)
        request.county = county
        if county is None:
            if connection.schema_name != settings.PUBLIC_SCHEMA_NAME:
                connection.set_schema_to_public()
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
        else:
            if connection.schema_name != county.schema_name:
                connection.set_tenant(county)
            else:
                connection.tenant = county
        request.tenant = county or connection.tenant
        set_urlconf(getattr(request, "urlconf", None))
        return self.get_response(request)
