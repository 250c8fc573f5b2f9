"""Which procedure applies: the projects parameters of the policy version in force."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from cunwu.tenancy.models import PolicyVersion
from cunwu_projects.params import ProjectsParameters

SLUG = "projects"


def rules_in_force(on: dt.date | None = None) -> tuple[ProjectsParameters, int | None]:
    """The current county's procedure and the number of the policy version it comes from.

    The policy version in force on ``on`` is authoritative (what an auditor sees); a county whose
    versions predate the plugin falls back to its enablement parameters, then to the defaults.
    """
    county = connection.tenant
    version = PolicyVersion.in_force(county, on=on)
    table: dict[str, Any] | None = None
    if version is not None:
        table = version.pack.get("plugins", {}).get(SLUG)
    if table is None:
        table = county.plugin_parameters(SLUG)
    table = {key: value for key, value in (table or {}).items() if key != "enabled"}
    return ProjectsParameters.model_validate(table), (version.number if version else None)
