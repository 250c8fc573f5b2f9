"""Read-side queries shared by the pages and the API: who sees which notices, and the portal filters."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from cunwu.disclosure.models import Notice
from cunwu.orgs.models import OrgUnit
from cunwu.roles.permissions import scope_q

VIEW_ROLES = (
    "county_admin",
    "township_official",
    "township_finance",
    "village_secretary",
    "committee_member",
    "council_member",
    "supervisory_member",
    "finance_group",
    "quality_group",
    "station_staff",
)


def with_state(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    """Annotate ``corrected`` so lists do not ask per row whether a notice was superseded."""
    return notices.select_related("org_unit", "posted_by").annotate(
        corrected=Exists(Notice.objects.filter(supersedes_id=OuterRef("pk")))
    )


def staff_notices(user: Any) -> QuerySet[Notice]:
    """The notices of the org units in the user's subtrees."""
    return with_state(Notice.objects.filter(scope_q(user, *VIEW_ROLES, path_field="org_unit__path")))


def filter_notices(
    notices: QuerySet[Notice],
    *,
    unit: OrgUnit | None = None,
    status: str = "",
    q: str = "",
) -> QuerySet[Notice]:
    """Narrow to an org unit's subtree, a state (``current``/``ended``) and a text search."""
    if unit is not None:
        notices = notices.filter(Q(org_unit=unit) | Q(org_unit__path__startswith=unit.path + "/"))
    if status == "current":
        notices = notices.current()
    elif status == "ended":
        notices = notices.ended()
    if q:
        notices = notices.filter(Q(title__icontains=q) | Q(body__icontains=q) | Q(kind__icontains=q))
    return notices
