"""Template context every page needs: the county and the modules enabled there."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def county(request: HttpRequest) -> dict[str, Any]:
    return {"county": getattr(request, "county", None)}
