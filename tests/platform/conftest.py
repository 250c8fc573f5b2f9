"""Fixtures of the platform tests: switching the test plugin on for a county; a pool of spare schemas."""

from __future__ import annotations

import pytest


def set_plugin(county, slug: str, *, enabled: bool, parameters: dict | None = None) -> None:
    """Enable or disable a plugin for a county the way onboarding does (row + enablement version bump)."""
    from django.db.models import F

    from cunwu.tenancy.models import County, PluginEnablement

    PluginEnablement.objects.update_or_create(
        county=county, plugin=slug, defaults={"enabled": enabled, "parameters": parameters or {}}
    )
    County.objects.filter(pk=county.pk).update(plugins_version=F("plugins_version") + 1)
    county.refresh_from_db()


@pytest.fixture
def hello_in_a(county_a):
    """County A with the test plugin ``hello`` enabled (rolled back with the test)."""
    set_plugin(county_a, "hello", enabled=True, parameters={"greeting": "甲县你好"})
    return county_a


@pytest.fixture
def spare_pool(settings, django_db_blocker):
    """``spare_pool(size)`` sets the pool's size and refills it (committed); every spare is dropped after.

    Request it before ``db``/``public_schema`` so that it is torn down after the test's rollback.
    """
    from cunwu.tenancy.schema_pool import refill_schema_pool

    def fill(size: int):
        settings.CUNWU_SCHEMA_POOL_SIZE = size
        with django_db_blocker.unblock():
            return refill_schema_pool()

    settings.CUNWU_SCHEMA_POOL_SIZE = 0
    yield fill
    fill(0)
