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


class _Upserter:
    """Creates or updates org units and bodies with a handful of statements instead of one per row.

    What exists is read once; rows whose fields changed are saved; new rows are bulk-created level by
    level (townships, villages, groups, then bodies), since a level needs its parents' ids. A new county
    is thus built in a few round trips, and re-running a pack updates without duplicating.
    """

    def __init__(self) -> None:
        self.units = {(u.parent_id, u.code): u for u in OrgUnit.objects.all()}
        self.bodies = {(b.org_unit_id, b.kind): b for b in Body.objects.filter(scope_object="")}
        self.new_units: list[OrgUnit] = []
        self.new_bodies: list[Body] = []

    @staticmethod
    def _update(row: OrgUnit | Body, fields: dict) -> None:
        changed = [name for name, value in fields.items() if getattr(row, name) != value]
        if changed:
            for name in changed:
                setattr(row, name, fields[name])
            row.save(update_fields=changed)

    def unit(self, parent: OrgUnit | None, code: str, **fields) -> OrgUnit:
        existing = self.units.get((parent.pk if parent else None, code))
        if existing is not None:
            self._update(existing, fields)
            return existing
        unit = OrgUnit(parent=parent, code=code, **fields)
        unit.set_path()
        self.new_units.append(unit)
        return unit

    def flush_units(self) -> None:
        """Insert the level's new units, so that the next level can point at their ids."""
        for unit in self.new_units:  # parents created in the previous flush now have ids
            unit.parent_id = unit.parent.pk if unit.parent else None
        created = OrgUnit.objects.bulk_create(self.new_units)
        self.units.update({(u.parent_id, u.code): u for u in created})
        self.new_units = []

    def body(self, unit: OrgUnit, kind: str, **fields) -> None:
        existing = self.bodies.get((unit.pk, kind))
        if existing is not None:
            self._update(existing, fields)
        else:
            self.new_bodies.append(Body(org_unit=unit, kind=kind, scope_object="", **fields))

    def flush_bodies(self) -> None:
        for body in self.new_bodies:
            body.org_unit_id = body.org_unit.pk
        Body.objects.bulk_create(self.new_bodies)


def _body_seats(pack, village_spec, kind: str, population: int | None) -> int | None:
    seats = village_spec.seats.get(kind, pack.bodies.seats.get(kind))
    if kind == Body.Kind.SERVICE_STATION and seats is None:
        seats = station_staff_quota(pack.station_staffing, population)
    if kind == Body.Kind.GROUP_COUNCIL:
        # 村民小组议事会: one per villager group, never fewer seats than the pack's minimum.
        seats = max(seats or 0, pack.bodies.group_council_min_seats)
    return seats


def apply_organisation(county: County, validated: ValidatedPack) -> None:
    pack = validated.pack
    rows = _Upserter()
    townships = [
        (spec, rows.unit(None, spec.code, level=OrgUnit.Level.TOWNSHIP, kind=spec.kind, name=spec.name))
        for spec in pack.townships
    ]
    rows.flush_units()
    villages = [
        (
            spec,
            rows.unit(
                township,
                spec.code,
                level=OrgUnit.Level.VILLAGE,
                kind=spec.kind,
                name=spec.name,
                population=spec.population,
                seats=spec.seats,
            ),
        )
        for township_spec, township in townships
        for spec in township_spec.villages
    ]
    rows.flush_units()
    groups = {
        village.pk: [
            rows.unit(village, str(number), level=OrgUnit.Level.GROUP, kind=OrgUnit.Kind.GROUP, name=name)
            for number, name in enumerate(spec.groups, start=1)
        ]
        for spec, village in villages
    }
    rows.flush_units()
    for spec, village in villages:
        for kind in pack.bodies.kinds:
            fields = {
                "seats": _body_seats(pack, spec, kind, village.population),
                "quorum": pack.bodies.quorum.get(kind, 0.5),
            }
            owners = groups[village.pk] if kind == Body.Kind.GROUP_COUNCIL else [village]
            for owner in owners:
                rows.body(owner, kind, name=f"{owner.name}{BODY_NAMES[kind]}", **fields)
    rows.flush_bodies()
    if pack.residents_import and validated.base_dir is not None:
        from cunwu.orgs.importing import import_file_path

        import_file_path(validated.base_dir / pack.residents_import)
