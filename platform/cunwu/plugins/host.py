"""The plugin host: one pluggy manager per process, and hook callers limited to a county's plugins.

Every installed plugin is registered once at start-up. A county sees only the plugins enabled for it:
:func:`hooks_for` hands out pluggy ``subset_hook_caller`` proxies that leave the others out. The proxies
are cached per county and enablement version (``County.plugins_version``), as pytest caches its per-path
hook proxies; a change of enablement bumps the version and so invalidates the cache. Callers are only
cached outside transactions (a version read inside one may be rolled back and later reused), and
saving an enablement clears them in-process at once (``cunwu.tenancy.signals``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import pluggy
from django.db import connection

from cunwu.plugins import hookspecs
from cunwu.plugins.discovery import plugin_entry_points

if TYPE_CHECKING:
    from cunwu.tenancy.models import County


@dataclass(frozen=True)
class PluginInfo:
    """What the host knows of an installed plugin."""

    slug: str
    app_module: str
    name: str
    description: str
    version: str


@cache
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide manager with every installed plugin's ``hooks`` module registered by slug."""
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    for entry_point in plugin_entry_points():
        manager.register(importlib.import_module(f"{entry_point.value}.hooks"), name=entry_point.name)
    return manager


@cache
def installed_plugins() -> dict[str, PluginInfo]:
    """Installed plugins by slug, described by the ``CunwuPluginMeta`` class of their AppConfig."""
    from django.apps import apps

    found = {}
    for entry_point in plugin_entry_points():
        config = next(c for c in apps.get_app_configs() if c.name == entry_point.value)
        meta = config.CunwuPluginMeta
        version = entry_point.dist.version if entry_point.dist else "0"
        found[entry_point.name] = PluginInfo(
            slug=entry_point.name,
            app_module=entry_point.value,
            name=str(meta.name),
            description=str(meta.description),
            version=version,
        )
    return found


class CountyHooks:
    """``hooks_for(county).cunwu_menu_items(request=…)`` calls only the county's enabled plugins."""

    def __init__(self, manager: pluggy.PluginManager, enabled: frozenset[str]) -> None:
        self._manager = manager
        self.enabled = enabled
        self._disabled = [
            plugin
            for name, plugin in manager.list_name_plugin()
            if name not in enabled and plugin is not None
        ]
        self._callers: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("cunwu_"):
            raise AttributeError(name)
        caller = self._callers.get(name)
        if caller is None:
            caller = self._manager.subset_hook_caller(name, remove_plugins=self._disabled)
            self._callers[name] = caller
        return caller


_county_hooks: dict[tuple[str, int], CountyHooks] = {}


def hooks_for(county: County) -> CountyHooks:
    """The hook caller for a county, cached until its enablement version changes."""
    key = (county.schema_name, county.plugins_version)
    hooks = _county_hooks.get(key)
    if hooks is None:
        hooks = CountyHooks(plugin_manager(), frozenset(county.enabled_plugin_slugs()))
        if not connection.in_atomic_block:
            _county_hooks[key] = hooks
    return hooks


def forget_county_hooks() -> None:
    _county_hooks.clear()


def all_hooks() -> Any:
    """Hooks of every installed plugin, for what is not about one county (parameter schemas, roles)."""
    return plugin_manager().hook
