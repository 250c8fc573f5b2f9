"""Apply the organisation part of a policy pack inside a county's schema (idempotent)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cunwu.orgs.models import Body, OrgUnit

if TYPE_CHECKING:
    from cunwu.policy.packs import ValidatedPack
    from cunwu.tenancy.models import County

BODY_NAMES = dict(Body.Kind.choices)


def apply_organisation(county: County, validated: ValidatedPack) -> None:
    pack = validated.pack
    for township_spec in pack.townships:
        township, _ = OrgUnit.objects.update_or_create(
            parent=None,
            code=township_spec.code,
            defaults={
                "level": OrgUnit.Level.TOWNSHIP,
                "kind": township_spec.kind,
                "name": township_spec.name,
            },
        )
        for village_spec in township_spec.villages:
            village, _ = OrgUnit.objects.update_or_create(
                parent=township,
                code=village_spec.code,
                defaults={
                    "level": OrgUnit.Level.VILLAGE,
                    "kind": village_spec.kind,
                    "name": village_spec.name,
                    "population": village_spec.population,
                    "seats": village_spec.seats,
                },
            )
            for number, group_name in enumerate(village_spec.groups, start=1):
                OrgUnit.objects.update_or_create(
                    parent=village,
                    code=str(number),
                    defaults={"level": OrgUnit.Level.GROUP, "kind": OrgUnit.Kind.GROUP, "name": group_name},
                )
            for kind in pack.bodies.kinds:
                seats = village_spec.seats.get(kind, pack.bodies.seats.get(kind))
                Body.objects.update_or_create(
                    org_unit=village,
                    kind=kind,
                    scope_object="",
                    defaults={
                        "name": f"{village.name}{BODY_NAMES[kind]}",
                        "seats": seats,
                        "quorum": pack.bodies.quorum.get(kind, 0.5),
                    },
                )
    if pack.residents_import and validated.base_dir is not None:
        from cunwu.orgs.importing import import_file_path

        import_file_path(validated.base_dir / pack.residents_import)
