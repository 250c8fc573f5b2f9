"""The bulk-load path of the import: indexes and foreign keys dropped, rows COPYed, all put back exactly.

The threshold is lowered so a few rows take the path; what is checked is that the catalogue (every index
and constraint definition, deferrability, validity) is identical afterwards, whether the import succeeds,
is refused, or fails while the indexes are being rebuilt.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection
from openpyxl import Workbook

from cunwu.orgs import importing
from cunwu.orgs.importing import ImportRefused, import_file_path, read_sheets, validate, write
from cunwu.orgs.models import Household, OrgUnit, Resident
from tests.orgs.idcards import id_card

HEADER = ["乡镇", "村(社区)", "村民小组", "户号", "户主", "姓名", "身份证号", "手机号", "党员", "地址"]
TABLES = [Household._meta.db_table, Resident._meta.db_table]


def _rows(count: int, start: int = 0) -> list[list[str]]:
    return [
        ["东镇", "红阳村", "一组", f"B{i // 2:03d}", "是" if i % 2 == 0 else "", f"批量{i}", id_card(500 + i),
         f"139{i:08d}", "否", f"红阳路{i}号"]
        for i in range(start, start + count)
    ]  # fmt: skip


def _xlsx(path, rows):
    workbook = Workbook()
    workbook.active.title = "村民"
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def _catalogue() -> tuple[list[tuple], list[tuple]]:
    """Every index and every constraint on, or referring to, the residents and households tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisunique, i.indisvalid, i.indisready "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = ANY(%s::regclass[]) ORDER BY 1",
            [TABLES],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), condeferrable, condeferred, "
            "convalidated FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) OR confrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [TABLES, TABLES],
        )
        return indexes, cursor.fetchall()


def _index_oids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexrelid::int FROM pg_index WHERE indrelid = ANY(%s::regclass[])", [TABLES])
        return {oid for (oid,) in cursor.fetchall()}


@pytest.fixture
def bulk_path(monkeypatch) -> list[tuple[str, ...]]:
    """Lower the threshold to 3 rows and record each time the bulk-load path is taken."""
    monkeypatch.setattr(importing, "BULK_LOAD_MIN_ROWS", 3)
    taken: list[tuple[str, ...]] = []
    original = importing._bulk_load

    def spy(tables):
        taken.append(tables)
        return original(tables)

    monkeypatch.setattr(importing, "_bulk_load", spy)
    return taken


def test_a_large_import_puts_every_index_and_constraint_back(county_a, tmp_path, bulk_path):
    before, oids = _catalogue(), _index_oids()
    assert len(before[0]) > 5 and any("DEFERRABLE INITIALLY DEFERRED" in c[2] for c in before[1])
    created = import_file_path(_xlsx(tmp_path / "big.xlsx", _rows(8)), on_existing="error")
    assert bulk_path and created["residents"] == 8 and created["households"] == 4
    assert _catalogue() == before
    assert len(oids - _index_oids()) == 10  # all but the two primary keys were rebuilt, not merely kept
    head = Resident.objects.with_id_card(id_card(500)).get()
    assert head.household.head == head and head.org_path == "east/hongyang/1"
    assert Resident.objects.with_phone("13900000001").get().household == head.household
    assert head.phone == "13900000000" and head.birth_date is not None


def test_a_bad_row_at_the_end_of_a_large_file_changes_nothing(county_a, tmp_path, bulk_path):
    before, residents = _catalogue(), Resident.objects.count()
    rows = [*_rows(8), ["东镇", "红阳村", "一组", "", "", "坏", "12345", "", "", ""]]
    with pytest.raises(ImportRefused) as refused:
        import_file_path(_xlsx(tmp_path / "bad.xlsx", rows), on_existing="error")
    assert [(e.row, e.column) for e in refused.value.errors] == [(10, "身份证号")]
    assert not bulk_path and Resident.objects.count() == residents and _catalogue() == before


def test_a_failure_while_rebuilding_rolls_back_rows_indexes_and_constraints(county_a, tmp_path, bulk_path):
    plan = validate(read_sheets(_xlsx(tmp_path / "big.xlsx", _rows(8))), on_existing="error")
    # registered by someone else between validation and writing: the unique index cannot be rebuilt
    Resident.objects.create(
        name="先到", id_card=id_card(507), group=OrgUnit.objects.get(path="west/zhoucun/1")
    )
    with connection.cursor() as cursor:  # its deferred checks done, as if committed by another session
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    before, residents, households = _catalogue(), Resident.objects.count(), Household.objects.count()
    with pytest.raises(IntegrityError):
        write(plan)
    assert bulk_path and _catalogue() == before
    assert Resident.objects.count() == residents and Household.objects.count() == households


def test_a_county_with_more_residents_than_the_file_is_written_row_by_row(county_a, tmp_path, bulk_path):
    import_file_path(_xlsx(tmp_path / "first.xlsx", _rows(8)), on_existing="error")
    bulk_path.clear()
    created = import_file_path(_xlsx(tmp_path / "more.xlsx", _rows(4, start=8)), on_existing="error")
    assert created["residents"] == 4 and not bulk_path


def test_pending_deferred_checks_on_residents_fall_back_to_loading_with_the_indexes(
    county_a, tmp_path, bulk_path
):
    # PostgreSQL refuses ALTER TABLE while this new row's deferred foreign-key check is pending.
    Resident.objects.create(name="同事务", group=OrgUnit.objects.get(path="west/zhoucun/1"))
    before, oids = _catalogue(), _index_oids()
    created = import_file_path(_xlsx(tmp_path / "big.xlsx", _rows(8)), on_existing="error")
    assert bulk_path and created["residents"] == 8 and _catalogue() == before and _index_oids() == oids
    assert Resident.objects.with_id_card(id_card(507)).get().household.number == "B003"
