"""Fixtures of the points tests: a county with the points plugin on (``tests/points/pack.toml``).

``points_county`` is onboarded once per session through the production onboarding path; tests run in a
rolled-back transaction on its schema. ``committed_points_county`` is a throwaway copy with committed
data for tests over real parallel connections (dropped afterwards).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path

import pytest

PACK = Path(__file__).parent / "pack.toml"


@pytest.fixture(scope="session")
def points_county_setup(django_db_setup, django_db_blocker):
    from django.db import connection

    from cunwu.tenancy.onboarding import onboard_file

    with django_db_blocker.unblock():
        county = onboard_file(PACK, actor="tests").county
        connection.set_schema_to_public()
    return county


@pytest.fixture
def points_county(db, points_county_setup):
    from django.db import connection

    from cunwu.tenancy.models import County

    county = County.objects.get(slug="pointsx")
    connection.set_tenant(county)
    yield county
    # Fire the deferred constraint triggers (ledger balance checks) while the county's schema is current.
    connection.check_constraints()
    connection.set_schema_to_public()


@pytest.fixture
def committed_points_county(django_db_setup, django_db_blocker):
    from django.db import connection

    from cunwu.policy.packs import validate_pack
    from cunwu.tenancy.onboarding import onboard

    slug = "p" + uuid.uuid4().hex[:10]
    source = PACK.read_text(encoding="utf-8").replace("pointsx", slug)
    with django_db_blocker.unblock():
        county = onboard(validate_pack(source), actor="tests").county
        connection.set_tenant(county)
        try:
            yield county
        finally:
            connection.set_schema_to_public()
            county.delete(force_drop=True)


@pytest.fixture
def hongyang(points_county):
    from cunwu.orgs.models import OrgUnit

    return OrgUnit.objects.get(code="hongyang")


@pytest.fixture
def shanzhugou(points_county):
    """The pack's other village (another township): outside a 红阳村 cadre's scope."""
    from cunwu.orgs.models import OrgUnit

    return OrgUnit.objects.get(code="shanzhugou")


@pytest.fixture
def secretary(hongyang, make_user):
    """红阳村's village secretary: one of the working group that revises its 评分条例."""
    return make_user("village_secretary", hongyang)


@pytest.fixture
def make_resident():
    """``make_resident(village, name, party=False)`` → a resident in the village's first group."""
    from cunwu.orgs.models import OrgUnit, Resident

    def make(village, name: str, party: bool = False) -> Resident:
        group = OrgUnit.objects.filter(parent=village, level=OrgUnit.Level.GROUP).order_by("code").first()
        return Resident.objects.create(name=name, group=group, is_party_member=party)

    return make


@pytest.fixture
def staff(make_user):
    """``staff(village)`` → registrar, reviewer and operator of the village (three different people)."""

    def make(village):
        return (
            make_user("points_registrar", village),
            make_user("points_reviewer", village),
            make_user("supermarket_operator", village),
        )

    return make


@pytest.fixture
def earn():
    """``earn(resident, village, registrar, reviewer, code, times=1)``: register and approve events."""
    from django.utils import timezone

    from cunwu_points.services import events, rules

    def make(resident, village, registrar, reviewer, code, times=1, on=None):
        rule = rules.rule_for(village, code)
        made = []
        for _ in range(times):
            event = events.register(resident, rule, occurred_on=on or timezone.localdate(), actor=registrar)
            made.append(events.approve(event, actor=reviewer))
        return made

    return make


def points(value) -> Decimal:
    return Decimal(str(value))


@pytest.fixture
def with_parameters(points_county):
    """``with_parameters(redemption={...})``: the county's points parameters changed for this test only."""
    from cunwu.tenancy.models import PluginEnablement
    from cunwu_points import policy

    original_version = points_county.plugins_version

    def change(**updates):
        enablement = PluginEnablement.objects.get(county=points_county, plugin="points")
        enablement.parameters = {**enablement.parameters, **updates}
        enablement.save()  # rolled back with the test
        points_county.plugins_version = original_version + 10_000  # a cache key of its own
        policy._cache.pop((points_county.schema_name, points_county.plugins_version), None)

    yield change
    policy._cache.pop((points_county.schema_name, points_county.plugins_version), None)
    points_county.plugins_version = original_version
