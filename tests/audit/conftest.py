"""Fixtures for meetings: a village council with dated memberships."""

from __future__ import annotations

import datetime

import pytest

from cunwu.orgs.models import Body, Membership, OrgUnit, Resident

MEETING_DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def zhoucun(county_a):
    return OrgUnit.objects.get(code="zhoucun")


@pytest.fixture
def residents(zhoucun):
    group = zhoucun.children.first()
    return [Resident.objects.create(name=f"村民{i:02d}", group=group) for i in range(20)]


@pytest.fixture
def council(zhoucun, residents):
    """周村 村民议事会: 15 seats, quorum 0.5; residents 0–14 are members on the meeting day.

    Resident 15 left before the meeting day and resident 16 joins after it: neither counts.
    """
    body = Body.objects.get(org_unit=zhoucun, kind=Body.Kind.VILLAGERS_COUNCIL)
    start = MEETING_DAY - datetime.timedelta(days=365)
    for resident in residents[:15]:
        Membership.objects.create(body=body, resident=resident, start_date=start)
    Membership.objects.create(
        body=body, resident=residents[15], start_date=start, end_date=MEETING_DAY - datetime.timedelta(days=1)
    )
    Membership.objects.create(
        body=body, resident=residents[16], start_date=MEETING_DAY + datetime.timedelta(days=1)
    )
    return body
