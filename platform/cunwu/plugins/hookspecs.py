"""Every hook a plugin may implement. This module is the plugin author's reference.

Conventions (those of pytest):

* names start with ``cunwu_``; arguments are keyword arguments, and an implementation may accept any
  subset of them, so adding an argument later breaks no plugin;
* ``firstresult=True`` marks a *decision*: the first non-``None`` answer wins, which is how a county's own
  plugin overrides a built-in rule;
* hooks are only ever called through :func:`cunwu.plugins.host.hooks_for`, which leaves out the plugins
  that are not enabled in the county at hand.

A plugin implements hooks in a module ``<app>.hooks`` with :data:`hookimpl`.
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT_NAME = "cunwu"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def cunwu_parameters_schema() -> type | None:
    """Return the pydantic model of this plugin's policy parameters (``[plugins.<slug>]`` in a pack).

    The model should forbid unknown keys (``model_config = ConfigDict(extra="forbid")``) so that a pack
    with a misspelt key is refused whole. Called for every installed plugin, enabled or not.
    """


@hookspec
def cunwu_roles() -> list[dict[str, Any]]:
    """Roles this plugin adds: ``[{"code": "points_registrar", "name": "积分登记员", "scope": "village"}]``.

    ``scope`` is the org level the role is granted at: ``county``, ``township``, ``village`` or ``group``.
    """


@hookspec
def cunwu_menu_items(request: Any, county: Any) -> list[dict[str, Any]]:
    """Menu entries: ``[{"label": "积分超市", "url": "/points/", "icon": "shop", "order": 40}]``."""


@hookspec
def cunwu_urlpatterns() -> list[Any]:
    """URL patterns of the plugin's pages, mounted under ``/<slug>/``; they answer 404 where it is off."""


@hookspec
def cunwu_api_urlpatterns() -> list[Any]:
    """URL patterns of the plugin's REST API, mounted under ``/api/<slug>/``; 404 where it is off."""


@hookspec
def cunwu_periodic_tasks() -> list[dict[str, Any]]:
    """Celery beat entries run once per county where the plugin is on.

    ``[{"name": "points-quarterly-lists", "task": "cunwu_points.tasks.publish_quarterly_lists",
    "schedule": celery.schedules.crontab(...)}]``
    """


@hookspec
def cunwu_onboard_county(county: Any, pack: dict[str, Any]) -> None:
    """Apply this plugin's part of a validated pack inside the county's schema; must be idempotent.

    The plugin's own validated parameters are ``pack["plugins"][<slug>]``. Runs in the onboarding
    transaction: raising refuses the whole pack.
    """


@hookspec
def cunwu_province_metrics(county: Any, year: int) -> dict[str, Any]:
    """Figures for the provincial rollup, e.g. ``{"points_issued": 1234}``; merged across plugins."""


@hookspec(firstresult=True)
def cunwu_decide(rule: str, context: dict[str, Any]) -> Any:
    """Override a named rule of the core or a plugin; the first non-``None`` answer wins.

    ``rule`` is a dotted name documented where it is asked, e.g. ``"projects.quorum_met"``.
    """
