"""Personal data stays masked in logs; the keyed hash finds a resident without decrypting."""

from __future__ import annotations

import logging

from cunwu.orgs.models import OrgUnit, Resident
from cunwu.pii.logging import MaskPersonalDataFilter


def test_log_records_are_masked():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "查询 %s 电话 %s", ("11010519491231002X", "13812345678"), None
    )
    assert MaskPersonalDataFilter().filter(record)
    assert record.getMessage() == "查询 110105********002X 电话 138****5678"


def test_the_keyed_hash_finds_residents_and_ignores_case(county_a):
    group = OrgUnit.objects.get(path="east/hongyang/1")
    resident = Resident.objects.create(
        name="测试", id_card="11010519491231002x", phone="13812345678", group=group
    )
    assert Resident.objects.with_id_card("11010519491231002X").get() == resident
    assert Resident.objects.with_phone("13812345678").get() == resident
    assert resident.id_card_hash and resident.id_card_hash != "11010519491231002X"
