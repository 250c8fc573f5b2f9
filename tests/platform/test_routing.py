"""Host routing: the per-process cache and the skipped ``SET search_path`` never serve one county's rows
to another — across rotating hosts, rolled-back savepoints (django-tenants #1262) and moved domains."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from cunwu.orgs.models import OrgUnit
from cunwu.tenancy import routing
from cunwu.tenancy.middleware import CountyRoutingMiddleware
from cunwu.tenancy.models import County, Domain

ALPHA_VILLAGES = "周村,富景社区,红阳村"
BETA_VILLAGES = "山竹沟村"


def villages(_request: HttpRequest) -> HttpResponse:
    """A view reading the county's own rows through whatever search_path the connection has."""
    names = OrgUnit.objects.filter(level=OrgUnit.Level.VILLAGE).values_list("name", flat=True)
    return HttpResponse(",".join(sorted(names)))


route = CountyRoutingMiddleware(villages)


def villages_on(host: str) -> str:
    return route(RequestFactory().get("/", HTTP_HOST=host)).content.decode()


def test_rotating_hosts_serve_each_county_its_own_rows(county_a, county_b):
    for _ in range(3):
        assert villages_on("alpha.localhost") == ALPHA_VILLAGES
        assert villages_on("beta.localhost") == BETA_VILLAGES
        assert villages_on("alpha.localhost") == ALPHA_VILLAGES


def test_a_rolled_back_savepoint_never_leaves_the_other_countys_path(county_a, county_b):
    """A, then B inside a savepoint that is rolled back (the server's search_path reverts to A's while
    the connection still says B), then B and A again: each must read its own rows."""
    assert villages_on("alpha.localhost") == ALPHA_VILLAGES
    with pytest.raises(RuntimeError), transaction.atomic():
        assert villages_on("beta.localhost") == BETA_VILLAGES
        raise RuntimeError("the view failed")
    assert connection.schema_name == "county_beta"  # nothing switches back: the same schema, no new SET
    assert villages_on("beta.localhost") == BETA_VILLAGES
    assert villages_on("alpha.localhost") == ALPHA_VILLAGES
    with pytest.raises(RuntimeError), transaction.atomic():
        assert villages_on("alpha.localhost") == ALPHA_VILLAGES
        assert villages_on("beta.localhost") == BETA_VILLAGES
        raise RuntimeError("the view failed")
    assert villages_on("alpha.localhost") == ALPHA_VILLAGES


def test_an_unknown_host_gets_the_operators_site(db):
    request = RequestFactory().get("/", HTTP_HOST="nosuch.localhost")
    CountyRoutingMiddleware(lambda r: HttpResponse())(request)
    assert request.county is None
    assert request.urlconf == "cunwu.urls_public"


@pytest.fixture
def moving_domain(django_db_blocker, committed_county):
    """A committed extra host of the committed county (routes are cached only outside transactions)."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        domain = Domain.objects.create(domain=f"m{uuid.uuid4().hex[:8]}.localhost", tenant=committed_county)
        yield domain
        connection.set_schema_to_public()
        Domain.objects.filter(pk=domain.pk).delete()
        routing.forget_all()


def test_moving_a_domain_reroutes_its_host_at_once(moving_domain, committed_county):
    host = moving_domain.domain
    assert villages_on(host) == ALPHA_VILLAGES  # the committed county is made from the alpha pack
    assert routing._routes[host][1].pk == committed_county.pk, "the route is cached"

    connection.set_schema_to_public()
    moving_domain.tenant = County.objects.get(slug="beta")
    moving_domain.save()
    assert host not in routing._routes, "saving the domain forgot the cached route"
    assert villages_on(host) == BETA_VILLAGES

    connection.set_schema_to_public()
    moving_domain.delete()
    assert routing.county_for_host(host) is None


def test_routes_looked_up_inside_a_transaction_are_not_cached(county_a):
    routing.forget_all()
    assert villages_on("alpha.localhost") == ALPHA_VILLAGES
    assert "alpha.localhost" not in routing._routes
