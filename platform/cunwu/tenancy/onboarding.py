"""Onboard a county from a policy pack: idempotent (a re-run updates) and atomic (all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django_tenants.utils import schema_context, schema_exists

from cunwu.plugins.host import hooks_for
from cunwu.policy.packs import ValidatedPack, load_pack
from cunwu.tenancy.models import County, Domain, PluginEnablement, PolicyVersion
from cunwu.tenancy.schema_pool import create_county_schema
from cunwu.tenancy.tasks import request_refill


@dataclass
class OnboardingResult:
    county: County
    created: bool
    policy_version: PolicyVersion
    policy_changed: bool


def schema_name_for(slug: str) -> str:
    return f"county_{slug}"


def _sync_domains(county: County, hosts: list[str]) -> None:
    wanted = list(dict.fromkeys(h.lower() for h in hosts))
    Domain.objects.filter(tenant=county).exclude(domain__in=wanted).delete()
    for index, host in enumerate(wanted):
        Domain.objects.update_or_create(domain=host, defaults={"tenant": county, "is_primary": index == 0})


def _sync_plugins(county: County, validated: ValidatedPack) -> bool:
    """Write enablement and parameters; return whether anything changed."""
    changed = False
    seen = set()
    for slug, parameters in validated.plugin_parameters.items():
        seen.add(slug)
        enabled = slug in validated.enabled_plugins
        row, created = PluginEnablement.objects.get_or_create(
            county=county, plugin=slug, defaults={"enabled": enabled, "parameters": parameters}
        )
        if created or row.enabled != enabled or row.parameters != parameters:
            row.enabled, row.parameters = enabled, parameters
            row.save()
            changed = True
    # Row by row (not .update()) so that post_save clears this process's caches.
    for row in PluginEnablement.objects.filter(county=county, enabled=True).exclude(plugin__in=seen):
        row.enabled = False
        row.save(update_fields=["enabled", "updated_at"])
        changed = True
    return changed


def _record_policy(county: County, validated: ValidatedPack, actor: str) -> tuple[PolicyVersion, bool]:
    latest = county.policy_versions.order_by("-number").first()
    if latest and latest.source_sha256 == validated.sha256:
        return latest, False
    version = PolicyVersion.objects.create(
        county=county,
        number=(latest.number + 1) if latest else 1,
        effective_from=validated.pack.policy.effective_from,
        pack=validated.as_json(),
        source=validated.source,
        source_sha256=validated.sha256,
        note=validated.pack.policy.note,
        created_by=actor,
    )
    return version, True


def onboard(validated: ValidatedPack, *, actor: str = "system") -> OnboardingResult:
    """Create or update the county described by a validated pack, in one transaction."""
    from cunwu.orgs.onboarding import apply_organisation

    spec = validated.pack.county
    with transaction.atomic():
        connection.set_schema_to_public()
        county, created = County.objects.select_for_update().get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "province": spec.province,
                "schema_name": schema_name_for(spec.slug),
            },
        )
        if not created and (county.name, county.province) != (spec.name, spec.province):
            county.name, county.province = spec.name, spec.province
            county.save(update_fields=["name", "province"])
        if not schema_exists(county.schema_name):
            create_county_schema(county.schema_name)
            # The schema may have been a spare from the pool: a worker builds the next one, after commit.
            transaction.on_commit(request_refill, robust=True)
        _sync_domains(county, spec.domains)
        if _sync_plugins(county, validated):
            County.objects.filter(pk=county.pk).update(plugins_version=county.plugins_version + 1)
            county.refresh_from_db()
        version, policy_changed = _record_policy(county, validated, actor)
        with schema_context(county.schema_name):
            apply_organisation(county, validated)
            hooks_for(county).cunwu_onboard_county(county=county, pack=validated.as_json())
    return OnboardingResult(county, created, version, policy_changed)


def onboard_file(path: Path, *, actor: str = "system") -> OnboardingResult:
    return onboard(load_pack(path), actor=actor)
