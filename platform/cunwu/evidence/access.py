"""Who may see and file evidence: the uploader, and staff holding a role on the target's org unit.

A target's org unit is its ``org_unit`` (or ``village``/``group``) attribute, or the target itself when
it is an org unit. Evidence of a target that names no org unit is for county-wide staff only.
Attachments of posted notices are public through the notice's own pages, not through this module.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from cunwu.evidence.models import EvidenceFile, org_unit_of
from cunwu.roles.permissions import has_role

STAFF_ROLES = (
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


def can_attach(user: Any, target: models.Model) -> bool:
    unit = org_unit_of(target)
    if unit is None:
        return has_role(user, "county_admin")
    return has_role(user, *STAFF_ROLES, org_unit=unit)


def can_view(user: Any, evidence: EvidenceFile) -> bool:
    if getattr(user, "pk", None) is not None and evidence.uploaded_by_id == user.pk:
        return True
    return can_attach(user, evidence.target)
