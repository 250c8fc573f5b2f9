"""Every shipped policy pack validates, and 白坭镇's bodies and quotas come out as the seed says."""

from __future__ import annotations

from pathlib import Path

import pytest

from cunwu.policy.packs import validate_pack

TENANTS = Path(__file__).resolve().parents[2] / "tenants"


@pytest.mark.parametrize("pack", sorted(TENANTS.glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_pack_validates(pack):
    validated = validate_pack(pack.read_text(encoding="utf-8"), base_dir=pack.parent)
    assert validated.pack.county.slug


def test_baini_carries_the_seed_quotas():
    pack = validate_pack((TENANTS / "baini.toml").read_text(encoding="utf-8")).pack
    assert (pack.county.name, pack.county.province) == ("三水区", "广东省")
    villages = {v.name: v for t in pack.townships for v in t.villages}
    seats = {
        name: (v.seats["villagers_council"], v.seats["supervisory_committee"]) for name, v in villages.items()
    }
    assert seats == {"富景社区": (25, 9), "周村": (15, 7), "岗头村": (25, 9)}
    assert sum(len(v.groups) for v in villages.values()) == 17  # 共17个村民小组 试点
    assert pack.bodies.group_council_min_seats == 5
    assert {"service_station", "group_council", "economic_cooperative"} <= set(pack.bodies.kinds)
    bands = [(b.population_below, b.min_staff, b.max_staff) for b in pack.station_staffing]
    assert bands == [(10000, 8, 11), (30000, 12, 14), (None, 15, 20)]


def test_onboarding_baini_creates_its_bodies(public_schema):
    from django_tenants.utils import schema_context

    from cunwu.orgs.models import Body
    from cunwu.tenancy.onboarding import onboard

    county = onboard(validate_pack((TENANTS / "baini.toml").read_text(encoding="utf-8"))).county
    with schema_context(county.schema_name):
        councils = Body.objects.filter(kind=Body.Kind.GROUP_COUNCIL)
        assert councils.count() == 17 and set(councils.values_list("seats", flat=True)) == {5}
        assert councils.filter(org_unit__level="group", name="西岸村民小组议事会").exists()
        stations = dict(
            Body.objects.filter(kind=Body.Kind.SERVICE_STATION).values_list("org_unit__name", "seats")
        )
        assert stations == {"富景社区": 14, "周村": 11, "岗头村": 20}  # bands by (demo) population
        council = Body.objects.get(kind=Body.Kind.VILLAGERS_COUNCIL, org_unit__name="周村")
        assert council.seats == 15
