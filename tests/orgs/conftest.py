"""Residents of county A placed in two townships, for the scoping and masking tests."""

from __future__ import annotations

import pytest

from cunwu.orgs.models import OrgUnit, Resident


@pytest.fixture
def residents(county_a) -> dict[str, Resident]:
    def make(name: str, path: str, id_card: str, phone: str = "") -> Resident:
        return Resident.objects.create(
            name=name, id_card=id_card, phone=phone, group=OrgUnit.objects.get(path=path)
        )

    return {
        "east": make("东村民", "east/hongyang/1", "110101199001011234", "13812345678"),
        "east2": make("东二", "east/fujing/1", "11010519491231002X"),
        "west": make("西村民", "west/zhoucun/1", "440607198001010018", "13900001111"),
    }
