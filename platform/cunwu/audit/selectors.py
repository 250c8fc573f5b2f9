"""Who may read which audit entries: county admins everything, supervisors their own subtree."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cunwu.audit.models import AuditEntry
from cunwu.roles.permissions import scope_q

READER_ROLES = ("county_admin", "supervisory_member")


def visible_entries(user: Any) -> QuerySet[AuditEntry]:
    """Entries about objects in the user's subtrees; entries outside the org tree only county-wide."""
    return AuditEntry.objects.filter(scope_q(user, *READER_ROLES, path_field="org_path")).select_related(
        "target_type"
    )
