"""The current county's 积分制 parameters, validated once per county and enablement version."""

from __future__ import annotations

from django.db import connection

from cunwu_points.parameters import PointsParameters

SLUG = "points"
_cache: dict[tuple[str, int], PointsParameters] = {}


def parameters(county=None) -> PointsParameters:
    """The validated ``[plugins.points]`` of ``county`` (the connection's county by default).

    Onboarding bumps ``County.plugins_version`` whenever parameters change, so the cache key follows them.
    """
    county = county if county is not None else connection.tenant
    key = (county.schema_name, county.plugins_version)
    found = _cache.get(key)
    if found is None:
        found = PointsParameters.model_validate(county.plugin_parameters(SLUG))
        _cache[key] = found
    return found
