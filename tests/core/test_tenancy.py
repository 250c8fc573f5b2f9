"""Onboarding from policy packs: idempotent, atomic, and refused whole on a bad key."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from cunwu.orgs.models import Body, OrgUnit
from cunwu.policy.packs import PackRefused, validate_pack
from cunwu.tenancy.models import County, Domain, PolicyVersion
from cunwu.tenancy.onboarding import onboard
from cunwu.tenancy.schema_factory import missing_migrations
from tests.conftest import PACKS

ALPHA = (PACKS / "alpha.toml").read_text(encoding="utf-8")


def test_onboarding_builds_the_organisation_from_the_pack(county_a):
    villages = OrgUnit.objects.filter(level=OrgUnit.Level.VILLAGE)
    assert sorted(villages.values_list("name", flat=True)) == ["周村", "富景社区", "红阳村"]
    council = Body.objects.get(org_unit__code="fujing", kind=Body.Kind.VILLAGERS_COUNCIL)
    assert council.seats == 25  # the village's own seats override the county default
    assert Body.objects.get(org_unit__code="zhoucun", kind=Body.Kind.VILLAGERS_COUNCIL).seats == 15


def test_rerunning_a_pack_updates_and_never_duplicates(public_schema):
    county = County.objects.get(slug="alpha")
    versions_before = PolicyVersion.objects.filter(county=county).count()
    onboard(validate_pack(ALPHA))
    assert County.objects.filter(slug="alpha").count() == 1
    assert PolicyVersion.objects.filter(county=county).count() == versions_before  # same text, same version
    changed = ALPHA.replace('name = "周村"', 'name = "周村(新)"')
    result = onboard(validate_pack(changed))
    assert result.policy_changed and result.policy_version.number == versions_before + 1
    with schema_context(county.schema_name):
        assert OrgUnit.objects.filter(code="zhoucun").get().name == "周村(新)"
        assert OrgUnit.objects.filter(level=OrgUnit.Level.VILLAGE).count() == 3


@pytest.mark.parametrize(
    ("mutation", "path"),
    [
        (("[bodies]", "[bodies]\nsaets = 3"), "bodies.saets"),
        (("population = 3200", 'population = "many"'), "townships[0].villages[0].population"),
        (("[county]", "[plugins.nosuch]\nenabled = true\n\n[county]"), "plugins.nosuch"),
        (('slug = "gamma"', 'slug = "Gamma County"'), "county.slug"),
    ],
)
def test_a_bad_pack_is_refused_whole_naming_the_key(public_schema, mutation, path):
    bad = ALPHA.replace('slug = "alpha"', 'slug = "gamma"').replace("alpha.localhost", "gamma.localhost")
    bad = bad.replace(*mutation)
    with pytest.raises(PackRefused) as refused:
        onboard(validate_pack(bad))
    assert path in [problem.path for problem in refused.value.problems]
    assert not County.objects.filter(slug="gamma").exists()
    assert not schema_exists("county_gamma")


def test_a_failure_during_onboarding_leaves_no_half_made_county(public_schema, monkeypatch):
    from cunwu.orgs import onboarding as orgs_onboarding

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(orgs_onboarding, "apply_organisation", explode)
    pack = ALPHA.replace('slug = "alpha"', 'slug = "delta"').replace("alpha.localhost", "delta.localhost")
    with pytest.raises(RuntimeError):
        onboard(validate_pack(pack))
    assert not County.objects.filter(slug="delta").exists()
    assert not Domain.objects.filter(domain="delta.localhost").exists()
    assert not schema_exists("county_delta")


def test_the_template_schema_holds_every_migration(public_schema):
    """Counties are copied from the template: it must be current after every new migration."""
    from django.conf import settings

    assert missing_migrations(settings.TENANT_BASE_SCHEMA) == set()
    for county in County.objects.exclude(schema_name="public"):
        assert missing_migrations(county.schema_name) == set(), county.slug


def test_each_county_answers_on_its_own_host(host_client, county_a, county_b):
    connection.set_schema_to_public()
    response = host_client(county_a).get("/login/")
    assert response.status_code == 200
    assert "甲县" in response.content.decode()
    assert "乙县" in host_client(county_b).get("/login/").content.decode()
