"""Who may see what: querysets of this plugin narrowed to the requester's villages (shared by API and pages)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from cunwu.orgs.models import OrgUnit, Resident
from cunwu.roles.permissions import scope_q

REGISTRAR = "points_registrar"
REVIEWER = "points_reviewer"
OPERATOR = "supermarket_operator"
SUPERVISORS = ("township_official", "village_secretary", "supervisory_member", REVIEWER)
STAFF = (REGISTRAR, REVIEWER, OPERATOR, "township_official", "village_secretary", "supervisory_member")


def villages_for(user: Any, *codes: str) -> QuerySet[OrgUnit]:
    """The villages inside the subtrees where ``user`` holds one of ``codes``."""
    return OrgUnit.objects.filter(scope_q(user, *codes), level=OrgUnit.Level.VILLAGE)


def rules_readable_villages(user: Any) -> QuerySet[OrgUnit]:
    """The villages whose 评分条例 ``user`` may read (pages and API): where they work, and a villager's own
    village."""
    villages = villages_for(user, *STAFF)
    resident_id = getattr(user, "resident_id", None)  # none for anonymous (the OpenAPI schema's walk)
    if not resident_id:
        return villages
    resident = Resident.objects.select_related("group__parent").filter(pk=resident_id).first()
    village = resident.group.village if resident else None
    return villages | OrgUnit.objects.filter(pk=village.pk) if village else villages


def scoped(queryset: QuerySet, user: Any, *codes: str, path_field: str) -> QuerySet:
    """``queryset`` limited to rows whose org path lies where ``user`` holds one of ``codes``."""
    return queryset.filter(scope_q(user, *codes, path_field=path_field))


def own_passbooks_q(user: Any, prefix: str = "") -> Q:
    """A villager's own passbooks: theirs as a resident, or their household's."""
    if not getattr(user, "resident_id", None):
        return Q(pk__in=[])
    return Q(**{f"{prefix}resident_id": user.resident_id}) | Q(
        **{f"{prefix}household__members__id": user.resident_id}
    )
