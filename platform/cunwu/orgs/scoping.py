"""What of the organisation a user may see: staff see the subtrees of their roles, a villager their own
record and household, and the public face (units, bodies, members) of their own village."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from cunwu.orgs.models import Body, Household, Membership, OrgUnit, Resident
from cunwu.roles.permissions import scope_q

# Roles whose holders work with the residents of their unit (county_admin is implied everywhere).
STAFF_ROLES = (
    "township_official",
    "township_finance",
    "village_secretary",
    "committee_member",
    "station_staff",
    "personal_data_viewer",
)
# Roles that may change organisation data (memberships of their unit's bodies).
MANAGER_ROLES = ("township_official", "village_secretary")
# Roles that register residents and keep their records up to date.
REGISTRAR_ROLES = ("township_official", "village_secretary", "station_staff")


def own_resident(user: Any) -> Resident | None:
    resident_id = getattr(user, "resident_id", None)
    if not resident_id:
        return None
    return Resident.objects.select_related("group__parent").filter(pk=resident_id).first()


def _own_village_q(user: Any, path_field: str) -> Q:
    resident = own_resident(user)
    village = resident.group.village if resident else None
    if village is None:
        return Q(pk__in=[])
    parts = village.path.split("/")
    ancestors = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return Q(**{f"{path_field}__in": ancestors}) | Q(**{f"{path_field}__startswith": village.path + "/"})


def units_q(user: Any, path_field: str = "path") -> Q:
    return scope_q(user, *STAFF_ROLES, path_field=path_field) | _own_village_q(user, path_field)


def visible_units(user: Any) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(units_q(user))


def visible_residents(user: Any) -> QuerySet[Resident]:
    staff = scope_q(user, *STAFF_ROLES, path_field="org_path")
    own = Q(pk=user.resident_id) if getattr(user, "resident_id", None) else Q(pk__in=[])
    return Resident.objects.filter(staff | own)


def visible_households(user: Any) -> QuerySet[Household]:
    staff = scope_q(user, *STAFF_ROLES, path_field="group__path")
    resident = own_resident(user)
    own = Q(pk=resident.household_id) if resident and resident.household_id else Q(pk__in=[])
    return Household.objects.filter(staff | own)


def visible_bodies(user: Any) -> QuerySet[Body]:
    return Body.objects.filter(units_q(user, "org_unit__path"))


def visible_memberships(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(units_q(user, "body__org_unit__path"))
