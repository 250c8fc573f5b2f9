"""Invalidate the per-process caches (host→county, county→hook callers) when counties, domains or
enablements change, so that this process sees the change at once; other processes within
``routing.ROUTE_CACHE_SECONDS``."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cunwu.plugins.host import forget_county_hooks
from cunwu.tenancy import routing
from cunwu.tenancy.models import County, Domain, PluginEnablement


@receiver([post_save, post_delete], sender=County)
@receiver([post_save, post_delete], sender=Domain)
@receiver([post_save, post_delete], sender=PluginEnablement)
def forget_routes(**_kwargs) -> None:
    routing.forget_all()
    forget_county_hooks()
