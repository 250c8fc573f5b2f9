"""Celery beat for plugins: each ``cunwu_periodic_tasks`` entry runs once per county where the plugin is on.

Choice: tenant-schemas-celery's ``TenantAwarePersistentScheduler`` already sends an entry once per
tenant, inside that tenant's schema (the task message carries ``_schema_name``). We narrow the tenants of
a plugin's entry to the counties that enable the plugin, read from ``PluginEnablement`` at the moment the
entry is due — so switching a plugin off stops its tasks at the next tick, with no beat restart and no
per-county schedule rows to keep in sync. A county where the plugin is off never receives the task.

Settings select it with ``CELERY_BEAT_SCHEDULER = "cunwu.plugins.periodic:PluginAwareScheduler"``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from tenant_schemas_celery.scheduler import TenantAwarePersistentScheduler

from cunwu.plugins.host import all_hooks

PLUGIN_HEADER = "_cunwu_plugin"


def plugin_beat_schedule() -> dict[str, dict[str, Any]]:
    """Beat entries of every installed plugin, named ``<slug>:<entry name>`` and tagged with the slug."""
    schedule: dict[str, dict[str, Any]] = {}
    for implementation in all_hooks().cunwu_periodic_tasks.get_hookimpls():
        slug = implementation.plugin_name
        for entry in implementation.function() or ():
            schedule[f"{slug}:{entry['name']}"] = {
                "task": entry["task"],
                "schedule": entry["schedule"],
                "args": tuple(entry.get("args", ())),
                "kwargs": dict(entry.get("kwargs", {})),
                "options": {**entry.get("options", {}), "headers": {PLUGIN_HEADER: slug}},
            }
    return schedule


def counties_for_entry(counties: QuerySet, headers: dict[str, Any]) -> QuerySet:
    """The counties an entry is sent to: all of them for a core entry, those enabling the plugin otherwise."""
    plugin = headers.get(PLUGIN_HEADER)
    if plugin is None:
        return counties
    return counties.filter(plugin_enablements__plugin=plugin, plugin_enablements__enabled=True)


class PluginAwareScheduler(TenantAwarePersistentScheduler):
    """Beat scheduler: core entries go to every county, a plugin's entries only where it is enabled."""

    _due_headers: dict[str, Any] = {}

    def setup_schedule(self) -> None:
        self.app.conf.beat_schedule = {**plugin_beat_schedule(), **(self.app.conf.beat_schedule or {})}
        super().setup_schedule()

    def get_queryset(self) -> QuerySet:  # called by apply_entry for the entry that is due
        return counties_for_entry(super().get_queryset(), self._due_headers)

    def apply_entry(self, entry: Any, producer: Any = None) -> None:
        self._due_headers = entry.options.get("headers", {})
        try:
            super().apply_entry(entry, producer=producer)
        finally:
            self._due_headers = {}
