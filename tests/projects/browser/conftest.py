"""Browser test of the project workflow: the web helper's Playwright fixtures, and a committed county
onboarded from the 大树镇 pack (under a throwaway slug) with its cadres."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (  # noqa: F401 — the shared live server, browser and login fixtures
    PASSWORD,
    _django_db_helper,
    browser,
    browser_page,
    browser_type_launch_args,
    live_port,
    live_url,
    login,
)
from tests.projects.conftest import DASHU_PACK

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests here read and write committed data (the live server sees nothing else)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(scope="session")
def dashu_live(django_db_setup, django_db_blocker) -> Iterator[Any]:
    from django.db import connection

    from cunwu.policy.packs import validate_pack
    from cunwu.tenancy.onboarding import onboard

    slug = "d" + uuid.uuid4().hex[:10]
    source = DASHU_PACK.read_text(encoding="utf-8")
    source = source.replace('slug = "hanyuan"', f'slug = "{slug}"').replace(
        "hanyuan.localhost", f"{slug}.localhost"
    )
    with django_db_blocker.unblock():
        county = onboard(validate_pack(source), actor="tests").county
        connection.set_schema_to_public()
        try:
            yield county
        finally:
            connection.set_schema_to_public()
            county.delete(force_drop=True)


@pytest.fixture
def live_cadres(dashu_live) -> dict[str, Any]:
    """A village secretary of 新民村 and a 大树镇 township official, committed, password PASSWORD."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_tenants.utils import schema_context

    from cunwu.orgs.models import OrgUnit
    from cunwu.roles.models import RoleAssignment

    with schema_context(dashu_live.schema_name):
        village = OrgUnit.objects.get(code="xinmin")
        people = {}
        for key, role, unit, name in (
            ("secretary", "village_secretary", village, "李书记"),
            ("official", "township_official", village.parent, "张镇长"),
        ):
            user = get_user_model().objects.create_user(
                username=f"{key}{uuid.uuid4().hex[:6]}", password=PASSWORD, display_name=name
            )
            RoleAssignment.objects.create(user=user, role=role, org_unit=unit)
            people[key] = user
    connection.set_schema_to_public()
    return people
