"""The web helper's browser fixtures (live server, Chromium, login), plus a county with points on."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import *  # noqa: F403  (browser_type_launch_args, live_url, login, …)
from tests.browser.conftest import PASSWORD
from tests.points.conftest import PACK


@pytest.fixture(autouse=True)
def _django_db_helper(django_db_setup, django_db_blocker) -> Iterator[None]:
    """As in tests/browser: committed data in a throwaway county, no per-test transaction."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def points_browser_county(django_db_setup, django_db_blocker) -> Iterator[Any]:
    from django.db import connection

    from cunwu.policy.packs import validate_pack
    from cunwu.tenancy.onboarding import onboard

    slug = "pb" + uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        county = onboard(
            validate_pack(PACK.read_text(encoding="utf-8").replace("pointsx", slug)), actor="tests"
        ).county
        connection.set_schema_to_public()
        try:
            yield county
        finally:
            connection.set_schema_to_public()
            county.delete(force_drop=True)


@pytest.fixture
def points_people(points_browser_county) -> dict[str, Any]:
    """Registrar, reviewer and operator of 红阳村, a villager with an account, and one item on sale."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_tenants.utils import schema_context

    from cunwu.orgs.models import OrgUnit, Resident
    from cunwu.roles.models import RoleAssignment
    from cunwu_points.services import supermarket

    users = get_user_model().objects
    with schema_context(points_browser_county.schema_name):
        connection.tenant = points_browser_county
        village = OrgUnit.objects.get(code="hongyang")
        people: dict[str, Any] = {}
        for role in ("points_registrar", "points_reviewer", "supermarket_operator"):
            people[role] = users.create_user(username=f"{role[:6]}{uuid.uuid4().hex[:6]}", password=PASSWORD)
            RoleAssignment.objects.create(user=people[role], role=role, org_unit=village)
        resident = Resident.objects.create(name="黎阿妹", group=OrgUnit.objects.get(parent=village, code="1"))
        people["villager"] = users.create_user(
            username=f"villager{uuid.uuid4().hex[:6]}", password=PASSWORD, resident_id=resident.pk
        )
        people["item"] = supermarket.add_item(
            village, actor=people["supermarket_operator"], name="洗洁精", price=Decimal("2"), stock=3
        )
    connection.set_schema_to_public()
    return people
