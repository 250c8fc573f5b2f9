"""The core part of a policy pack. Plugins validate their own ``[plugins.<slug>]`` tables.

Every model forbids unknown keys: a misspelt key refuses the whole pack, naming the key's path.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CountySpec(Strict):
    slug: str = Field(pattern=r"^[a-z][a-z0-9]{1,39}$")
    name: str = Field(min_length=1, max_length=100)
    province: str = Field(min_length=1, max_length=50)
    domains: list[str] = Field(default_factory=list)
    demo: bool = False


class PolicyMeta(Strict):
    effective_from: dt.date
    note: str = ""


class VillageSpec(Strict):
    code: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    name: str = Field(min_length=1, max_length=100)
    kind: Literal["village", "community"] = "village"
    groups: list[str] = Field(default_factory=list)
    population: int | None = Field(default=None, ge=0)
    # Seats per body for this village, overriding [bodies.seats]; e.g. {"council" = 25}.
    seats: dict[str, int] = Field(default_factory=dict)


class TownshipSpec(Strict):
    code: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    name: str = Field(min_length=1, max_length=100)
    kind: Literal["township", "town", "subdistrict"] = "town"
    villages: list[VillageSpec] = Field(default_factory=list)


BodyKind = Literal[
    "party_committee",
    "villagers_committee",
    "villagers_council",
    "group_council",
    "supervisory_committee",
    "finance_group",
    "quality_group",
    "service_station",
    "economic_cooperative",
]


class BodiesPolicy(Strict):
    """Which bodies every village has, their default seats and the quorum their meetings need."""

    kinds: list[BodyKind] = Field(
        default_factory=lambda: [
            "party_committee",
            "villagers_committee",
            "villagers_council",
            "supervisory_committee",
        ]
    )
    seats: dict[BodyKind, int] = Field(default_factory=dict)
    # Share of members who must sign in for a meeting to decide, e.g. 0.5 for "more than half".
    quorum: dict[BodyKind, float] = Field(default_factory=dict)
    group_council_min_seats: int = Field(default=5, ge=1)


class StaffingBand(Strict):
    """Service-station staff quota for a population band (白坭镇: under 10,000 → 8–11, …)."""

    population_below: int | None = Field(default=None, ge=1)
    min_staff: int = Field(ge=0)
    max_staff: int = Field(ge=0)


class PersonalDataPolicy(Strict):
    keep_photo_location: bool = False
    mask_names_in_public_lists: bool = True


class PolicyPack(Strict):
    county: CountySpec
    policy: PolicyMeta
    townships: list[TownshipSpec] = Field(default_factory=list)
    # A CSV or XLSX file (path relative to the pack) with households and residents to import.
    residents_import: str | None = None
    bodies: BodiesPolicy = Field(default_factory=BodiesPolicy)
    station_staffing: list[StaffingBand] = Field(default_factory=list)
    personal_data: PersonalDataPolicy = Field(default_factory=PersonalDataPolicy)
    # [plugins.<slug>] tables: `enabled` plus the plugin's own parameters, validated by the plugin.
    plugins: dict[str, dict] = Field(default_factory=dict)
