"""Invalidate the per-process host→county cache when counties, domains or enablements change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cunwu.tenancy import routing
from cunwu.tenancy.models import County, Domain, PluginEnablement


@receiver([post_save, post_delete], sender=County)
@receiver([post_save, post_delete], sender=Domain)
@receiver([post_save, post_delete], sender=PluginEnablement)
def forget_routes(**_kwargs) -> None:
    routing.forget_all()
