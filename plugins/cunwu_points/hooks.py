"""Hook implementations of the 积分超市 plugin (see cunwu.plugins.hookspecs)."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from cunwu.plugins.hookspecs import hookimpl
from cunwu_points.parameters import PointsParameters

ROLES = [
    {"code": "points_registrar", "name": _("积分登记员"), "scope": "village"},
    {"code": "points_reviewer", "name": _("积分审核员"), "scope": "village"},
    {"code": "supermarket_operator", "name": _("积分超市管理员"), "scope": "village"},
]


@hookimpl
def cunwu_parameters_schema() -> type[PointsParameters]:
    return PointsParameters


@hookimpl
def cunwu_roles() -> list[dict[str, Any]]:
    return ROLES


@hookimpl
def cunwu_menu_items(request: Any, county: Any) -> list[dict[str, Any]]:
    from cunwu_points.menu import menu_items

    return menu_items(request)


@hookimpl
def cunwu_urlpatterns() -> list[Any]:
    from cunwu_points.urls import urlpatterns

    return urlpatterns


@hookimpl
def cunwu_api_urlpatterns() -> list[Any]:
    from cunwu_points.api_urls import urlpatterns

    return urlpatterns


@hookimpl
def cunwu_periodic_tasks() -> list[dict[str, Any]]:
    return [
        {
            "name": "points-quarterly-lists",
            "task": "cunwu_points.tasks.publish_quarterly_lists",
            # The first day of each quarter, for the quarter just ended.
            "schedule": crontab(minute=30, hour=6, day_of_month=1, month_of_year="1,4,7,10"),
        },
        {
            "name": "points-year-close",
            "task": "cunwu_points.tasks.close_years",
            "schedule": crontab(minute=5, hour=0),
        },
        {
            "name": "points-reporting-reminders",
            "task": "cunwu_points.tasks.reporting_reminders",
            "schedule": crontab(minute=0, hour=8),
        },
    ]


@hookimpl
def cunwu_onboard_county(county: Any, pack: dict[str, Any]) -> None:
    from cunwu_points.actors import system_user
    from cunwu_points.services.rules import apply_parameters

    table = {k: v for k, v in pack.get("plugins", {}).get("points", {}).items() if k != "enabled"}
    apply_parameters(PointsParameters.model_validate(table), actor=system_user())


@hookimpl
def cunwu_province_metrics(county: Any, year: int) -> dict[str, Any]:
    from cunwu_points.reports import province_metrics

    return province_metrics(year)
