"""Public-schema models: a county is a tenant with its own PostgreSQL schema."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class County(TenantMixin):
    """A county (县/区): one tenant, one schema named ``county_<slug>``.

    ``plugins_version`` is bumped whenever the county's plugin enablement changes, so that caches keyed
    on it (hook callers, menus) are invalidated without a query per request.
    """

    slug = models.SlugField(_("标识"), unique=True, max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    province = models.CharField(_("省份"), max_length=50)
    plugins_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # Schemas are created by cunwu.tenancy.schema_factory (a spare from the pool, or a template copy),
    # not by TenantMixin.save().
    auto_create_schema = False
    auto_drop_schema = True

    class Meta:
        verbose_name = _("县")
        verbose_name_plural = _("县")
        ordering = ["province", "name"]

    def __str__(self) -> str:
        return f"{self.province}{self.name}"

    def enabled_plugin_slugs(self) -> list[str]:
        return list(self.plugin_enablements.filter(enabled=True).values_list("plugin", flat=True))

    def plugin_parameters(self, slug: str) -> dict:
        """The validated parameters of one plugin in this county's current policy ({} when none)."""
        enablement = self.plugin_enablements.filter(plugin=slug).first()
        return enablement.parameters if enablement else {}


class Domain(DomainMixin):
    """A host name that routes to a county (``<slug>.localhost`` in development)."""

    class Meta:
        verbose_name = _("域名")
        verbose_name_plural = _("域名")


class PluginEnablement(models.Model):
    """Whether a county uses a plugin, and with which parameters (one row per county and plugin)."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="plugin_enablements")
    plugin = models.CharField(_("插件"), max_length=50)
    enabled = models.BooleanField(_("启用"), default=True)
    parameters = models.JSONField(_("参数"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("插件启用")
        verbose_name_plural = _("插件启用")
        constraints = [models.UniqueConstraint(fields=["county", "plugin"], name="unique_plugin_per_county")]

    def __str__(self) -> str:
        return f"{self.county.slug}:{self.plugin}{'' if self.enabled else ' (off)'}"


class PolicyVersion(models.Model):
    """One applied version of a county's policy pack, kept forever.

    A project, a points year or a fund keeps the version that was in force when it started
    (``PolicyVersion.in_force(county, on=date)``), and an auditor can see what applied when.
    """

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="policy_versions")
    number = models.PositiveIntegerField(_("版本号"))
    effective_from = models.DateField(_("生效日期"))
    pack = models.JSONField(_("政策包(已校验)"))
    source = models.TextField(_("政策包原文"))
    source_sha256 = models.CharField(max_length=64)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(_("操作人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("政策版本")
        verbose_name_plural = _("政策版本")
        ordering = ["county", "-number"]
        constraints = [models.UniqueConstraint(fields=["county", "number"], name="unique_policy_number")]

    def __str__(self) -> str:
        return f"{self.county.slug} v{self.number} ({self.effective_from})"

    @classmethod
    def in_force(cls, county: County, on=None) -> PolicyVersion | None:
        """The newest version whose effective date is on or before ``on`` (today by default)."""
        from django.utils import timezone

        day = on or timezone.localdate()
        return (
            cls.objects.filter(county=county, effective_from__lte=day)
            .order_by("-effective_from", "-number")
            .first()
        )
