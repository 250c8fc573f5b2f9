"""Benchmark: importing 100,000 residents from .xlsx (validation, ID-card checksums, AES-GCM encryption,
keyed hashes, households, COPY) against a floor of reading the same file with python-calamine and COPYing
its raw rows into a plain table, in the same process. ``ratio`` is import time / floor time.

The import's three steps (reading, validating and hashing, writing: encryption, COPY, index rebuild,
commit) are also printed on their own lines.

``run()`` onboards a throwaway county (``tests/packs/alpha.toml`` under a random slug), writes the
workbook with openpyxl (not timed), measures both, and drops the county.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path

from tests.orgs.idcards import id_card

ROWS = int(os.environ.get("CUNWU_BENCH_IMPORT_ROWS", "100000"))
PACK = Path(__file__).resolve().parents[1] / "packs" / "alpha.toml"
GROUPS = [
    ("东镇", "红阳村", "一组"),
    ("东镇", "红阳村", "二组"),
    ("东镇", "富景社区", "一组"),
    ("西镇", "周村", "一组"),
]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cunwu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)


def _workbook(path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("村民")
    sheet.append(
        ["乡镇", "村(社区)", "村民小组", "户号", "户主", "姓名", "身份证号", "手机号", "党员", "地址"]
    )
    for i in range(ROWS):
        township, village, group = GROUPS[i % len(GROUPS)]
        household = f"H{i // 4:06d}"
        sheet.append(
            [township, village, group, household, "是" if i % 4 == 0 else "", f"村民{i}", id_card(i),
             f"13{i:09d}", "是" if i % 7 == 0 else "否", f"{village}{i // 4}号"]
        )  # fmt: skip
    workbook.save(path)


def _floor(path: Path) -> float:
    """calamine read + COPY of the raw rows into a plain table, no validation."""
    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("村民").to_python()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_raw (a text, b text, c text, d text, e text, f text, g text, h text, i text, j text) ON COMMIT DROP"
        )
        with cursor.copy("COPY bench_raw FROM STDIN") as copy:
            for row in rows[1:]:
                copy.write_row([str(v) for v in row])
    return time.perf_counter() - started


def run() -> list[str]:
    _setup_django()
    from django.db import connection

    from cunwu.orgs.importing import read_sheets, validate, write
    from cunwu.orgs.models import Resident
    from cunwu.policy.packs import validate_pack
    from cunwu.tenancy.onboarding import onboard

    slug = "b" + uuid.uuid4().hex[:10]
    source = PACK.read_text(encoding="utf-8").replace('slug = "alpha"', f'slug = "{slug}"')
    county = onboard(
        validate_pack(source.replace("alpha.localhost", f"{slug}.localhost")), actor="bench"
    ).county
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "residents.xlsx"
            _workbook(path)
            connection.set_tenant(county)
            floor = _floor(path)
            # import_file_path(path, on_existing="error") in its three steps, each timed
            started = time.perf_counter()
            sheets = read_sheets(path)
            read = time.perf_counter()
            plan = validate(sheets, on_existing="error")
            validated = time.perf_counter()
            created = write(plan)
            written = time.perf_counter()
            seconds = written - started
            assert created["residents"] == ROWS == Resident.objects.count(), created
    finally:
        connection.set_schema_to_public()
        county.delete(force_drop=True)
    name = "import_100k_residents" if ROWS == 100_000 else f"import_{ROWS}_residents"
    return [
        f"bench: {name} {seconds:.2f} s ratio={seconds / floor:.2f}",
        f"bench: {name}_floor {floor:.2f} s",
        f"bench: {name}_read {read - started:.2f} s",
        f"bench: {name}_validate {validated - read:.2f} s",
        f"bench: {name}_write {written - validated:.2f} s",
    ]


if __name__ == "__main__":
    print("\n".join(run()))
