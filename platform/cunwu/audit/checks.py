"""System check: the configured audit retention may not be below the legal minimum."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from cunwu.audit.services import retention_days


@checks.register(checks.Tags.security)
def audit_retention_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        retention_days()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="cunwu.audit.E001")]
    return []
