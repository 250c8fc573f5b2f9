"""Roles cover the subtree of the unit they are held on, the whole county when held without one, and
only while in force; county_admin implies every role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from cunwu.orgs.models import OrgUnit
from cunwu.roles.catalogue import roles_for
from cunwu.roles.models import RoleAssignment
from cunwu.roles.permissions import has_role, units_for
from cunwu.roles.services import grant
from cunwu.tenancy.models import PluginEnablement


def _unit(path: str) -> OrgUnit:
    return OrgUnit.objects.get(path=path)


def test_a_role_on_a_township_covers_its_villages_and_groups_only(county_a, make_user):
    official = make_user("township_official", _unit("east"))
    assert has_role(official, "township_official", org_unit=_unit("east"))
    assert has_role(official, "township_official", org_unit=_unit("east/hongyang"))
    assert has_role(official, "township_official", org_unit=_unit("east/hongyang/1"))
    assert not has_role(official, "township_official", org_unit=_unit("west"))
    assert not has_role(official, "township_official", org_unit=_unit("west/zhoucun"))
    assert not has_role(official, "village_secretary", org_unit=_unit("east/hongyang"))


def test_a_role_on_a_village_does_not_reach_up_to_its_township(county_a, make_user):
    secretary = make_user("village_secretary", _unit("east/hongyang"))
    assert has_role(secretary, "village_secretary", org_unit=_unit("east/hongyang/2"))
    assert not has_role(secretary, "village_secretary", org_unit=_unit("east"))
    assert not has_role(secretary, "village_secretary", org_unit=_unit("east/fujing"))
    assert has_role(secretary, "village_secretary")  # anywhere


def test_units_for_is_the_union_of_subtrees(county_a, make_user):
    user = make_user("township_official", _unit("west"))
    RoleAssignment.objects.create(user=user, role="township_official", org_unit=_unit("east/fujing"))
    paths = set(units_for(user, "township_official").values_list("path", flat=True))
    assert paths == {"west", "west/zhoucun", "west/zhoucun/1", "east/fujing", "east/fujing/1"}
    assert not units_for(user, "township_finance").exists()


def test_county_wide_and_county_admin(county_a, make_user):
    finance = make_user("township_finance")  # no org unit: the whole county
    assert has_role(finance, "township_finance", org_unit=_unit("west/zhoucun"))
    assert units_for(finance, "township_finance").count() == OrgUnit.objects.count()
    admin = make_user("county_admin")
    assert has_role(admin, "quality_group", org_unit=_unit("east/hongyang/1"))
    assert units_for(admin, "villager").count() == OrgUnit.objects.count()


def test_expired_and_future_assignments_do_not_count(county_a, make_user):
    user = make_user()
    now = timezone.now()
    RoleAssignment.objects.create(
        user=user, role="township_official", org_unit=_unit("east"), valid_until=now - timedelta(seconds=1)
    )
    RoleAssignment.objects.create(
        user=user, role="township_official", org_unit=_unit("west"), valid_from=now + timedelta(days=1)
    )
    assert not has_role(user, "township_official")
    assert not units_for(user, "township_official").exists()
    RoleAssignment.objects.create(
        user=user, role="township_official", org_unit=_unit("west"), valid_until=now + timedelta(days=1)
    )
    assert has_role(user, "township_official", org_unit=_unit("west/zhoucun"))


def test_scope_object_narrows_a_role(county_a, make_user):
    user = make_user()
    RoleAssignment.objects.create(
        user=user, role="finance_group", org_unit=_unit("east/hongyang"), scope_object="projects.project:1"
    )
    assert has_role(user, "finance_group", org_unit=_unit("east/hongyang"), scope_object="projects.project:1")
    assert not has_role(
        user, "finance_group", org_unit=_unit("east/hongyang"), scope_object="projects.project:2"
    )


def test_anonymous_holds_nothing(county_a):
    assert not has_role(AnonymousUser(), "villager")
    assert not units_for(AnonymousUser(), "villager").exists()


def test_catalogue_has_the_core_roles_with_chinese_names(county_a):
    roles = roles_for(county_a)
    assert str(roles["township_official"].name) == "乡镇干部"
    assert roles["county_admin"].scope == "county"
    assert roles["villager"].scope == "group"


def test_plugin_roles_exist_only_where_the_plugin_is_on(county_a, make_user):
    assert "points_registrar" not in roles_for(county_a)
    admin = make_user("county_admin")
    with pytest.raises(ValidationError):
        grant(make_user(), "points_registrar", org_unit=_unit("east/hongyang"), actor=admin)
    PluginEnablement.objects.create(county=county_a, plugin="points", enabled=True)
    county_a.plugins_version += 1
    county_a.save(update_fields=["plugins_version"])
    roles = roles_for(county_a)
    assert str(roles["points_registrar"].name) == "积分登记员" and roles["points_registrar"].core is False
    user = make_user()
    grant(user, "points_registrar", org_unit=_unit("east/hongyang"), actor=admin)
    assert has_role(user, "points_registrar", org_unit=_unit("east/hongyang/1"))
