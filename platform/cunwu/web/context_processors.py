"""Template context every page needs: the county, the user's menu and the reading size."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from cunwu.web.menu import menu_for

FONT_SIZE_COOKIE = "cunwu_font_size"
# The size chosen by the reader (set by static/web/shell.js), applied as a class on <html> so that the
# page is rendered at that size from the first paint.
FONT_SIZES = {"normal": _("字号标准"), "large": _("字号大"), "xlarge": _("字号特大")}


def county(request: HttpRequest) -> dict[str, Any]:
    return {"county": getattr(request, "county", None)}


def shell(request: HttpRequest) -> dict[str, Any]:
    """Menu (computed only when a template uses it) and the reader's font size."""
    size = request.COOKIES.get(FONT_SIZE_COOKIE, "normal")
    return {
        "menu": SimpleLazyObject(lambda: menu_for(request)),
        "font_size": size if size in FONT_SIZES else "normal",
        "font_sizes": FONT_SIZES,
    }
