"""Hook implementations of the 项目流程 plugin (see cunwu.plugins.hookspecs).

Modules with models, views or trust-service imports are imported inside the hooks: this module is
imported when the plugin host starts, before Django's app registry is ready.
"""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from cunwu.plugins.hookspecs import hookimpl
from cunwu_projects.params import ProjectsParameters


@hookimpl
def cunwu_parameters_schema() -> type:
    return ProjectsParameters


@hookimpl
def cunwu_menu_items(request: Any, county: Any) -> list[dict[str, Any]]:
    from cunwu.roles.permissions import has_role
    from cunwu_projects.api import VIEW_ROLES

    if not has_role(request.user, *VIEW_ROLES):
        return []
    return [
        {
            "label": _("公共服务项目"),
            "url": "/projects/",
            "order": 35,
            "description": _("项目征集、评分、决策、公示、审批、实施与报账"),
        }
    ]


@hookimpl
def cunwu_urlpatterns() -> list[Any]:
    from cunwu_projects.urls import urlpatterns

    return urlpatterns


@hookimpl
def cunwu_api_urlpatterns() -> list[Any]:
    from cunwu_projects.api_urls import urlpatterns

    return urlpatterns


@hookimpl
def cunwu_periodic_tasks() -> list[dict[str, Any]]:
    return [
        {
            "name": "projects-deadlines",
            "task": "cunwu_projects.tasks.scan_deadlines",
            "schedule": crontab(hour=6, minute=30),
        }
    ]


@hookimpl
def cunwu_onboard_county(county: Any, pack: dict[str, Any]) -> None:
    from cunwu_projects.onboarding import ensure_meeting_bodies

    ensure_meeting_bodies(pack)


@hookimpl
def cunwu_decide(rule: str, context: dict[str, Any]) -> Any:
    if rule == "meetings.quorum_met":
        from cunwu_projects.gates import step_quorum_met

        return step_quorum_met(context)
    return None


@hookimpl
def cunwu_province_metrics(county: Any, year: int) -> dict[str, Any]:
    from cunwu_projects.reports import province_metrics

    return province_metrics(year)
