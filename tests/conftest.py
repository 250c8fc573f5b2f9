"""Test harness: a real PostgreSQL (``DATABASE_URL`` or the embedded server), counties made once.

The test database is created by pytest-django (the public schema migrated by django-tenants), then the
test counties are onboarded from ``tests/packs/`` once per session — through the same code path as
production onboarding. Tests that need a county use :func:`county_a` / :func:`county_b` together with
``db``: each test runs in a transaction rolled back afterwards, with the connection switched to the
county's schema. Tests that need real parallel connections use :func:`committed_county`, a county made
for that test alone and dropped afterwards (``transactional_db`` would truncate the public schema).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKS = Path(__file__).parent / "packs"


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    """The test database, whichever tests were collected, with the two test counties onboarded.

    pytest-django's own fixture creates the database only if a collected test asks for ``db``; a
    test on a :func:`committed_county` asks for this fixture alone, so run by itself it found none.
    """
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    from cunwu.tenancy.onboarding import onboard_file

    # No pool of spare schemas (each county a template copy, no refill sent to the broker) unless a test
    # asks for one (tests/platform/test_schema_pool.py).
    settings.CUNWU_SCHEMA_POOL_SIZE = 0
    with django_db_blocker.unblock():
        databases = setup_databases(
            verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=set()
        )
        for name in ("alpha", "beta"):
            onboard_file(PACKS / f"{name}.toml", actor="tests")
    yield
    with django_db_blocker.unblock():
        try:
            teardown_databases(databases, verbosity=0)
        except Exception as exc:  # as pytest-django: a session left open somewhere must not fail the run
            request.node.warn(pytest.PytestWarning(f"Error when trying to teardown test databases: {exc!r}"))


def _county(slug: str):
    from cunwu.tenancy.models import County

    return County.objects.get(slug=slug)


@pytest.fixture
def public_schema(db) -> Iterator[None]:
    from django.db import connection

    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()


@pytest.fixture
def county_a(db):
    """County A (甲县), with the connection switched to its schema for the test."""
    from django.db import connection

    county = _county("alpha")
    connection.set_tenant(county)
    yield county
    connection.set_schema_to_public()


@pytest.fixture
def county_b(db):
    """County B (乙县); the connection stays where it is — switch with ``schema_context``."""
    return _county("beta")


@pytest.fixture
def host_client():
    """``host_client(county)`` → a Django test client whose requests go to that county's host."""
    from django.test import Client

    def make(county=None, **kwargs) -> Client:
        host = f"{county.slug}.localhost" if county is not None else "localhost"
        return Client(HTTP_HOST=host, **kwargs)

    return make


@pytest.fixture
def committed_county(django_db_setup, django_db_blocker):
    """A county whose data is committed (for tests over real parallel connections); dropped afterwards."""
    from django.db import connection

    from cunwu.policy.packs import validate_pack
    from cunwu.tenancy.onboarding import onboard

    slug = "t" + uuid.uuid4().hex[:10]
    source = (PACKS / "alpha.toml").read_text(encoding="utf-8")
    source = source.replace('slug = "alpha"', f'slug = "{slug}"').replace(
        "alpha.localhost", f"{slug}.localhost"
    )
    with django_db_blocker.unblock():
        county = onboard(validate_pack(source), actor="tests").county
        connection.set_tenant(county)
        try:
            yield county
        finally:
            connection.set_schema_to_public()
            county.delete(force_drop=True)


@pytest.fixture
def make_user():
    """``make_user(role=None, org_unit=None, username=None)`` → a user of the current county's schema.

    With ``role`` the user holds it on ``org_unit`` (``None``: the whole county) from now on. The
    assignment is written directly (no audit row): this is set-up, not a state change under test.
    """
    from django.contrib.auth import get_user_model

    from cunwu.roles.models import RoleAssignment

    def make(role: str | None = None, org_unit=None, username: str | None = None):
        user = get_user_model().objects.create_user(
            username=username or f"u{uuid.uuid4().hex[:10]}", password="pw-test-12345"
        )
        if role:
            RoleAssignment.objects.create(user=user, role=role, org_unit=org_unit)
        return user

    return make
