"""Who sees and who runs which meetings.

Village secretaries and committee members run the meetings of their village's bodies; council and
supervisory members and township officials read them. Everyone reads only their own subtree.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from cunwu.meetings.models import Meeting
from cunwu.meetings.quorum import current_members
from cunwu.orgs.models import Body, Resident
from cunwu.roles.permissions import has_role, scope_q

MANAGER_ROLES = ("village_secretary", "committee_member")
READER_ROLES = (*MANAGER_ROLES, "council_member", "supervisory_member", "township_official")
SEARCH_LIMIT = 20


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    return Meeting.objects.filter(scope_q(user, *READER_ROLES, path_field="org_path")).select_related(
        "body", "subject_type"
    )


def manageable_bodies(user: Any) -> QuerySet[Body]:
    return Body.objects.filter(scope_q(user, *MANAGER_ROLES, path_field="org_unit__path")).select_related(
        "org_unit"
    )


def may_run(user: Any, meeting_or_body: Meeting | Body) -> bool:
    body = meeting_or_body.body if isinstance(meeting_or_body, Meeting) else meeting_or_body
    return has_role(user, *MANAGER_ROLES, org_unit=body.org_unit)


def village_residents(meeting: Meeting) -> QuerySet[Resident]:
    """Residents on the register of the meeting's village (who may sign in on its pages)."""
    village_path = "/".join(meeting.org_path.split("/")[:2])
    return Resident.objects.filter(org_path__startswith=village_path + "/", active=True)


def sign_in_candidates(meeting: Meeting, query: str) -> QuerySet[Resident]:
    """Residents of the meeting's village matching ``query`` who have not signed in yet."""
    found = village_residents(meeting).exclude(pk__in=meeting.attendances.values("resident_id"))
    if query:
        found = found.filter(name__icontains=query)
    members = current_members(meeting.body, meeting.held_on).filter(resident=OuterRef("pk"))
    return found.annotate(is_member=Exists(members)).order_by("-is_member", "name")[:SEARCH_LIMIT]
