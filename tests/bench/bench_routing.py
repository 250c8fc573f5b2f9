"""Requests/s of a list endpoint through the county routing vs the same endpoint on plain Django.

Both set-ups run the real ``/api/org-units/`` endpoint (token authentication, role scoping, pagination)
through Django's WSGI handler in this process, alternating in rounds so that the machine's load hits
both alike:

* routed: the full middleware stack, requests rotating over the hosts of ``COUNTIES`` counties, each
  request authenticated by a token of its own county (so the schema switches on every request);
* plain: the routing middleware removed and the connection pinned to one county's schema once — a
  single-schema Django application serving the same view.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from itertools import cycle

from tests.bench.counties import onboard_county

COUNTIES = 100
ROUNDS = 5
REQUESTS_PER_ROUND = 400
PATH = "/api/org-units/"


def _prepare(slugs: list[str]) -> list[tuple[str, str]]:
    """Onboard the counties (when missing) and give each a county admin with an API token."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context
    from rest_framework.authtoken.models import Token

    from cunwu.roles.models import RoleAssignment
    from cunwu.tenancy.models import County

    hosts = []
    for slug in slugs:
        county = County.objects.filter(slug=slug).first() or onboard_county(slug)
        with schema_context(county.schema_name):
            user, created = get_user_model().objects.get_or_create(username="bench-admin")
            if created:
                RoleAssignment.objects.create(user=user, role="county_admin", org_unit=None)
            token, _ = Token.objects.get_or_create(user=user)
        hosts.append((f"{slug}.localhost", token.key))
    return hosts


def _environ(host: str, token: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": PATH,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "HTTP_AUTHORIZATION": f"Token {token}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def _rate(handler: Callable, requests: list[tuple[str, str]]) -> float:
    statuses = []

    def start_response(status: str, _headers: list) -> None:
        statuses.append(status)

    started = time.perf_counter()
    for host, token in requests:
        response = handler(_environ(host, token), start_response)
        b"".join(response)
        response.close()
    elapsed = time.perf_counter() - started
    bad = [s for s in statuses if not s.startswith("200")]
    if bad:
        raise RuntimeError(f"{len(bad)} requests failed, e.g. {bad[0]}")
    return len(requests) / elapsed


def run() -> list[str]:
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import override_settings

    from cunwu.tenancy.models import County

    hosts = _prepare([f"rt{i:03d}" for i in range(COUNTIES)])
    routed_handler = WSGIHandler()
    routing = "cunwu.tenancy.middleware.CountyRoutingMiddleware"
    with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != routing]):
        plain_handler = WSGIHandler()
    single = County.objects.get(slug="rt000")

    rotating = cycle(hosts)
    routed, plain = [], []
    _rate(routed_handler, [next(rotating) for _ in range(COUNTIES)])  # warm every route once
    for _ in range(ROUNDS):
        connection.set_schema_to_public()
        routed.append(_rate(routed_handler, [next(rotating) for _ in range(REQUESTS_PER_ROUND)]))
        connection.set_tenant(single)
        plain.append(_rate(plain_handler, [hosts[0]] * REQUESTS_PER_ROUND))
    connection.set_schema_to_public()
    routed_rate, plain_rate = statistics.median(routed), statistics.median(plain)
    return [
        f"bench: list_endpoint_plain {plain_rate:.0f} req/s (one schema, no routing middleware)",
        f"bench: list_endpoint_routed {routed_rate:.0f} req/s ratio={routed_rate / plain_rate:.2f} "
        f"(vs plain, {COUNTIES} rotating county hosts; target >= 0.9)",
    ]
