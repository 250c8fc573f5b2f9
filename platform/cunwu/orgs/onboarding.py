"""Apply the organisation part of a policy pack inside a county's schema (idempotent)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cunwu.orgs.models import Body, OrgUnit

if TYPE_CHECKING:
    from cunwu.policy.packs import ValidatedPack
    from cunwu.policy.schema import StaffingBand
    from cunwu.tenancy.models import County

BODY_NAMES = dict(Body.Kind.choices)


def station_staff_quota(bands: list[StaffingBand], population: int | None) -> int | None:
    """The most staff a village's 公共服务站 may have for its population (first band it falls below)."""
    if population is None:
        return None
    for band in bands:
        if band.population_below is None or population < band.population_below:
            return band.max_staff
    return None


def _body(unit: OrgUnit, kind: str, name: str, seats: int | None, quorum: dict[str, float]) -> None:
    Body.objects.update_or_create(
        org_unit=unit,
        kind=kind,
        scope_object="",
        defaults={"name": name, "seats": seats, "quorum": quorum.get(kind, 0.5)},
    )


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
            groups = [
                OrgUnit.objects.update_or_create(
                    parent=village,
                    code=str(number),
                    defaults={"level": OrgUnit.Level.GROUP, "kind": OrgUnit.Kind.GROUP, "name": group_name},
                )[0]
                for number, group_name in enumerate(village_spec.groups, start=1)
            ]
            for kind in pack.bodies.kinds:
                seats = village_spec.seats.get(kind, pack.bodies.seats.get(kind))
                if kind == Body.Kind.SERVICE_STATION and seats is None:
                    seats = station_staff_quota(pack.station_staffing, village.population)
                if kind == Body.Kind.GROUP_COUNCIL:
                    # 村民小组议事会: one per villager group, never fewer seats than the pack's minimum.
                    seats = max(seats or 0, pack.bodies.group_council_min_seats)
                    for group in groups:
                        _body(group, kind, f"{group.name}{BODY_NAMES[kind]}", seats, pack.bodies.quorum)
                else:
                    _body(village, kind, f"{village.name}{BODY_NAMES[kind]}", seats, pack.bodies.quorum)
    if pack.residents_import and validated.base_dir is not None:
        from cunwu.orgs.importing import import_file_path

        import_file_path(validated.base_dir / pack.residents_import)
