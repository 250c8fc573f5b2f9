"""Mount every installed plugin's pages under ``/<slug>/`` and API under ``/api/<slug>/``.

Patterns are mounted once for all counties (as pretix does); each view is wrapped so that a plugin that
is not enabled in the request's county answers 404, exactly as if its routes did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import URLPattern, URLResolver, include, path

from cunwu.plugins.host import hooks_for, plugin_manager


def require_enabled(slug: str, view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        county = getattr(request, "county", None)
        if county is None or slug not in hooks_for(county).enabled:
            raise Http404(f"plugin {slug} is not enabled here")
        return view(request, *args, **kwargs)

    for attribute in ("csrf_exempt", "cls", "initkwargs"):
        if hasattr(view, attribute):
            setattr(guarded, attribute, getattr(view, attribute))
    return guarded


def _guard(patterns: list[Any], slug: str) -> list[Any]:
    guarded: list[Any] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            pattern.url_patterns[:] = _guard(list(pattern.url_patterns), slug)
            guarded.append(pattern)
        elif isinstance(pattern, URLPattern):
            pattern.callback = require_enabled(slug, pattern.callback)
            guarded.append(pattern)
    return guarded


def _plugin_routes(hook_name: str, prefix: str, namespace_prefix: str) -> list[URLResolver]:
    """One ``include`` per plugin implementing ``hook_name``; namespace ``<namespace_prefix><slug>``."""
    routes = []
    for slug, plugin in plugin_manager().list_name_plugin():
        implementation = getattr(plugin, hook_name, None)
        if implementation is None:
            continue
        patterns = _guard(list(implementation()), slug)
        routes.append(
            path(f"{prefix}{slug}/", include((patterns, slug), namespace=f"{namespace_prefix}{slug}"))
        )
    return routes


urlpatterns = _plugin_routes("cunwu_api_urlpatterns", "api/", "api-") + _plugin_routes(
    "cunwu_urlpatterns", "", ""
)
