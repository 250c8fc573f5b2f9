"""The plugin's part of onboarding: every body the procedure meets in must exist in every village."""

from __future__ import annotations

from typing import Any

from cunwu.orgs.models import Body, OrgUnit
from cunwu_projects.params import ProjectsParameters

BODY_NAMES = dict(Body.Kind.choices)


def ensure_meeting_bodies(pack: dict[str, Any]) -> None:
    """Create the bodies the steps' meetings need (e.g. the 村民(代表)大会) where a village lacks them.

    Idempotent; bodies the core already made from ``[bodies]`` are left as they are.
    """
    table = {k: v for k, v in pack.get("plugins", {}).get("projects", {}).items() if k != "enabled"}
    rules = ProjectsParameters.model_validate(table)
    kinds = {step.meeting.body for step in rules.steps if step.meeting is not None}
    quorum = pack.get("bodies", {}).get("quorum", {})
    for village in OrgUnit.objects.filter(level=OrgUnit.Level.VILLAGE):
        for kind in kinds:
            Body.objects.get_or_create(
                org_unit=village,
                kind=kind,
                scope_object="",
                defaults={"name": f"{village.name}{BODY_NAMES[kind]}", "quorum": quorum.get(kind, 0.5)},
            )
