"""Find plugins through the entry-point group ``cunwu.plugins`` without importing their code.

Settings call :func:`plugin_app_modules` to add every installed plugin to ``INSTALLED_APPS`` (as pretix
does): a pip-installed plugin and a built-in one are found the same way, and nothing in ``platform/``
changes when a county's own plugin is installed. The entry point's name is the plugin's slug, its value
the plugin's Django app module, e.g. ``points = "cunwu_points"``.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

ENTRY_POINT_GROUP = "cunwu.plugins"


def plugin_entry_points() -> list[EntryPoint]:
    """Installed plugins, sorted by slug so that hook order does not depend on install order."""
    return sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)


def plugin_app_modules() -> list[str]:
    """The Django app modules of every installed plugin."""
    return [ep.value for ep in plugin_entry_points()]
