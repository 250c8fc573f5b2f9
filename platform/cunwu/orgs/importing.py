"""Import townships, villages, groups, households and residents from .xlsx or .csv — all or nothing.

A file is first read and validated whole (python-calamine for .xlsx); any problem is reported per row
as ``(row, column, reason)`` and nothing is written. Only a clean file is written, in one transaction,
with PostgreSQL ``COPY`` (ids reserved from the sequences up front, so households can point at their
heads without a round trip per row). Personal numbers are hashed while validating and encrypted while
streaming the COPY. A large write (at least ``BULK_LOAD_MIN_ROWS`` residents, and more than the county
already has) drops the residents' and households' secondary indexes, unique constraints and foreign
keys, COPYs, and rebuilds them in the same transaction (:func:`_bulk_load`; it holds an ACCESS
EXCLUSIVE lock on both tables until commit). For 100,000 rows the server then spends ~2 s of CPU on
the write (~1.2 s of it rebuilding) instead of ~6–7 s maintaining indexes row by row and running
deferred foreign-key checks at commit.

Workbook layout (see :func:`template_workbook`): sheet ``村民`` (residents, required) and optionally
sheet ``组织机构`` (townships/villages/groups to create). A .csv file holds the residents sheet only.
Organisation units are matched by name under their parent; a resident's group must exist in the county
or be declared in the ``组织机构`` sheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import psycopg
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, XmlError, ZipError

from cunwu.orgs.models import Household, ImportJob, OrgUnit, Resident
from cunwu.orgs.validators import check_id_card, id_card_gender, phone_problem
from cunwu.pii import crypto

RESIDENT_SHEET = "村民"
ORG_SHEET = "组织机构"
RESIDENT_COLUMNS = (
    "乡镇",
    "村(社区)",
    "村民小组",
    "户号",
    "户主",
    "姓名",
    "身份证号",
    "手机号",
    "党员",
    "地址",
)
REQUIRED_RESIDENT_COLUMNS = ("乡镇", "村(社区)", "村民小组", "姓名")
ORG_COLUMNS = ("乡镇", "村(社区)", "村民小组", "人口")
YES = {"是", "Y", "YES", "1", "TRUE", "√"}
NO = {"", "否", "N", "NO", "0", "FALSE"}
MAX_REPORTED_ERRORS = 1000
PROGRESS_EVERY = 5000
# A write of at least this many residents, and more than the county already has, drops the tables'
# secondary indexes, unique constraints and foreign keys and rebuilds them after COPY (see _bulk_load).
BULK_LOAD_MIN_ROWS = 10_000
BULK_LOAD_TABLES = (Household._meta.db_table, Resident._meta.db_table)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str
    sheet: str = RESIDENT_SHEET

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": self.reason}


class ImportRefused(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(
            "; ".join(f"{e.sheet} 第{e.row}行 {e.column}: {e.reason}" for e in errors[:5])
            + (f" …(共{len(errors)}处)" if len(errors) > 5 else "")
        )


class PlannedResident(NamedTuple):
    """A validated resident row (a tuple: 100,000 of them are built and read in one import)."""

    row: int
    name: str
    group: tuple[str, str, str]  # (township, village, group) names
    household: str
    address: str
    is_head: bool
    id_card: str
    id_hash: str
    phone: str
    phone_hash: str
    is_party_member: bool
    gender: str
    birth_date: date | None


@dataclass
class Plan:
    """A validated file, ready to write."""

    units: list[tuple[str, str, str, int | None]] = field(
        default_factory=list
    )  # (township, village, group, pop)
    residents: list[PlannedResident] = field(default_factory=list)
    skipped: int = 0


ProgressCallback = Callable[[int, int], None]


# --- reading -----------------------------------------------------------------------------------------------
def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_sheets(path: Path | str, content: bytes | None = None) -> dict[str, list[list[str]]]:
    """The file's sheets as lists of string rows (header included); a .csv file is the residents sheet."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        raw = content if content is not None else path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")  # files saved by Excel on Chinese Windows
        return {RESIDENT_SHEET: [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]}
    if path.suffix.lower() not in (".xlsx", ".xls", ".ods"):
        raise ImportRefused([RowError(0, "", _("只支持 .xlsx 或 .csv 文件"), sheet="")])
    try:
        workbook = (
            CalamineWorkbook.from_filelike(io.BytesIO(content))
            if content is not None
            else CalamineWorkbook.from_path(str(path))
        )
        names = workbook.sheet_names
        raw_sheets = {
            name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in names
        }
    except (CalamineError, PasswordError, XmlError, ZipError) as broken:
        raise ImportRefused(
            [RowError(0, "", _("无法读取该文件:%(e)s") % {"e": broken}, sheet="")]
        ) from broken
    sheets = {
        name: [[v.strip() if type(v) is str else _cell(v) for v in row] for row in rows]
        for name, rows in raw_sheets.items()
    }
    if RESIDENT_SHEET not in sheets and ORG_SHEET not in sheets and names:
        sheets[RESIDENT_SHEET] = sheets[names[0]]  # a single-sheet workbook is the residents list
    return sheets


def _header_index(
    header: list[str], known: Iterable[str], required: Iterable[str], sheet: str
) -> tuple[dict[str, int], list[RowError]]:
    index = {name: header.index(name) for name in known if name in header}
    errors = [RowError(1, name, _("缺少表头列"), sheet=sheet) for name in required if name not in index]
    return index, errors


# --- validation ----------------------------------------------------------------------------------------------
class _Validator:
    """Validates rows against the county's organisation and residents, with no query per row."""

    def __init__(self, *, on_existing: str) -> None:
        self.on_existing = on_existing
        self.errors: list[RowError] = []
        self.hash = crypto.lookup_hash
        units = OrgUnit.objects.values_list("id", "parent_id", "level", "name", "path")
        by_id = {u[0]: u for u in units}
        self.groups: dict[tuple[str, str, str], tuple[int | None, str]] = {}
        self.villages: set[tuple[str, str]] = set()
        self.townships: set[str] = set()
        for unit_id, parent_id, level, name, path in units:
            if level == OrgUnit.Level.TOWNSHIP:
                self.townships.add(name)
            elif level == OrgUnit.Level.VILLAGE:
                self.villages.add((by_id[parent_id][3], name))
            elif level == OrgUnit.Level.GROUP:
                village = by_id[parent_id]
                township = by_id[village[1]]
                self.groups[(township[3], village[3], name)] = (unit_id, path)
        # .order_by(): no sort by the model's ordering (org_path, name) of every resident of the county
        self.existing_hashes = set(
            Resident.objects.exclude(id_card_hash="").order_by().values_list("id_card_hash", flat=True)
        )
        self.existing_names = set(
            Resident.objects.filter(id_card_hash="").order_by().values_list("group_id", "name")
        )
        self.seen_hashes: dict[str, int] = {}
        self.heads: dict[tuple[tuple[str, str, str], str], int] = {}
        self.skipped = 0

    def error(self, row: int, column: str, reason: str, sheet: str = RESIDENT_SHEET) -> None:
        self.errors.append(RowError(row, column, reason, sheet))

    def org_rows(self, rows: list[list[str]], plan: Plan) -> None:
        if not rows:
            return
        index, problems = _header_index(rows[0], ORG_COLUMNS, ORG_COLUMNS[:3], ORG_SHEET)
        self.errors.extend(problems)
        if problems:
            return
        for number, row in enumerate(rows[1:], start=2):
            values = {name: (row[i] if i < len(row) else "") for name, i in index.items()}
            if not any(values.values()):
                continue
            township, village, group = values["乡镇"], values["村(社区)"], values["村民小组"]
            missing = [name for name in ORG_COLUMNS[:3] if not values[name]]
            for name in missing:
                self.error(number, name, _("不能为空"), ORG_SHEET)
            if any("/" in v for v in (township, village, group)):
                self.error(number, "村民小组", _("名称不能含“/”"), ORG_SHEET)
                continue
            population = values.get("人口", "")
            if population and not population.isdigit():
                self.error(number, "人口", _("应为非负整数"), ORG_SHEET)
                continue
            if missing or (township, village, group) in self.groups:
                continue
            self.groups[(township, village, group)] = (None, "")
            plan.units.append((township, village, group, int(population) if population else None))

    def resident_rows(self, rows: list[list[str]], plan: Plan, progress: ProgressCallback | None) -> None:
        if not rows:
            self.error(1, "", _("没有数据"))
            return
        index, problems = _header_index(rows[0], RESIDENT_COLUMNS, REQUIRED_RESIDENT_COLUMNS, RESIDENT_SHEET)
        self.errors.extend(problems)
        if problems:
            return
        total = len(rows) - 1
        today = timezone.localdate()
        fields = _fields_of(index, RESIDENT_COLUMNS)
        resident = self._resident
        append = plan.residents.append
        errors = self.errors
        for number, row in enumerate(rows[1:], start=2):
            if progress and number % PROGRESS_EVERY == 0:
                progress(number - 1, total)
            values = fields(row)
            if not any(values):
                continue
            found = resident(number, *values, today)
            if found is not None:
                append(found)
            if len(errors) >= MAX_REPORTED_ERRORS:
                self.error(number, "", _("错误过多,已停止校验"))
                return
        if progress:
            progress(total, total)

    def _resident(
        self,
        number: int,
        township: str,
        village: str,
        group_name: str,
        household: str,
        head: str,
        name: str,
        id_card: str,
        phone: str,
        party_member: str,
        address: str,
        today: date,
    ) -> PlannedResident | None:
        """One row's checks (arguments in ``RESIDENT_COLUMNS`` order), in the order they are reported."""
        errors_before = len(self.errors)
        if not name:
            self.error(number, "姓名", _("不能为空"))
        elif len(name) > 50:
            self.error(number, "姓名", _("不能超过50个字"))
        key = (township, village, group_name)
        group = self.groups.get(key)
        if group is None:
            self.error(number, "村民小组", _("村民小组不存在:%(path)s") % {"path": "/".join(key)})
        id_card = id_card.upper()
        id_hash = ""
        born = None
        if id_card:
            problem, born = check_id_card(id_card, today=today)
            if problem:
                self.error(number, "身份证号", problem)
            else:
                id_hash = self.hash(id_card)
                first = self.seen_hashes.setdefault(id_hash, number)
                if first != number:
                    self.error(number, "身份证号", _("与第%(row)d行重复") % {"row": first})
        if phone and (problem := phone_problem(phone)):
            self.error(number, "手机号", problem)
        party_member, head = party_member.upper(), head.upper()
        if party_member not in YES and party_member not in NO:
            self.error(number, "党员", _("应填“是”或“否”"))
        if head not in YES and head not in NO:
            self.error(number, "户主", _("应填“是”或“否”"))
        is_head = head in YES
        if len(household) > 40:
            self.error(number, "户号", _("不能超过40个字符"))
        elif is_head and not household:
            self.error(number, "户号", _("户主必须填写户号"))
        elif is_head:
            first = self.heads.setdefault((key, household), number)
            if first != number:
                self.error(number, "户主", _("该户已在第%(row)d行填写户主") % {"row": first})
        if len(self.errors) > errors_before:
            return None
        skip = self.on_existing == "skip"
        if id_hash in self.existing_hashes:
            if skip:
                self.skipped += 1
            else:
                self.error(number, "身份证号", _("该身份证号已登记"))
            return None
        if skip and not id_hash and (group[0], name) in self.existing_names:
            self.skipped += 1
            return None
        return PlannedResident(
            number,
            name,
            key,
            household,
            address[:200],
            is_head,
            id_card,
            id_hash,
            phone,
            self.hash(phone) if phone else "",
            party_member in YES,
            id_card_gender(id_card) if id_card else "",
            born,
        )


def _fields_of(index: dict[str, int], columns: tuple[str, ...]) -> Callable[[list[str]], tuple[str, ...]]:
    """A function taking a row to its cells in ``columns`` order ("" for a column absent or cut short).

    ``itemgetter`` picks them in one C call when every column is in the header, the usual case.
    """
    positions = [index.get(name) for name in columns]
    if None in positions:
        return lambda row: tuple("" if i is None or i >= len(row) else row[i] for i in positions)
    pick = itemgetter(*positions)
    width = max(positions) + 1
    return lambda row: pick(row) if len(row) >= width else pick(row + [""] * (width - len(row)))


def validate(
    sheets: dict[str, list[list[str]]],
    *,
    on_existing: str = "error",
    progress: ProgressCallback | None = None,
) -> Plan:
    """Check every row; raise :class:`ImportRefused` listing all problems, or return the write plan.

    ``on_existing="skip"`` (re-applying a policy pack) leaves residents already registered alone
    instead of reporting them.
    """
    validator = _Validator(on_existing=on_existing)
    plan = Plan()
    validator.org_rows(sheets.get(ORG_SHEET, []), plan)
    if RESIDENT_SHEET in sheets:
        validator.resident_rows(sheets[RESIDENT_SHEET], plan, progress)
    elif not plan.units:
        validator.error(1, "", _("找不到“村民”或“组织机构”工作表"), sheet="")
    if validator.errors:
        raise ImportRefused(validator.errors)
    plan.skipped = validator.skipped
    return plan


# --- writing -----------------------------------------------------------------------------------------------
def _reserve_ids(table: str, count: int) -> list[int]:
    if not count:
        return []
    with connection.cursor() as cursor:
        # The sequence is looked up once (per row, pg_get_serial_sequence costs more than nextval itself).
        cursor.execute(
            "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS seq) "
            "SELECT array_agg(nextval(s.seq)) FROM s, generate_series(1, %s)",
            [table, count],
        )
        return cursor.fetchone()[0]


@contextmanager
def _bulk_load(tables: tuple[str, ...]) -> Iterator[None]:
    """Load ``tables`` without their secondary indexes, unique constraints and foreign keys, then put
    them back exactly as the catalogue defined them (``pg_get_indexdef``, ``pg_get_constraintdef``).

    PostgreSQL's advice for populating a table ("Populating a Database"): building an index once over
    the loaded rows is cheaper than updating it row by row, and adding a foreign key checks every row in
    one join instead of one trigger query per deferred row at commit. Must run inside the import's
    transaction, so a failure anywhere (a duplicate found while rebuilding a unique index, a dangling key
    while re-adding a foreign key) rolls the indexes and constraints back with the rows.

    Takes ACCESS EXCLUSIVE locks on ``tables`` until the transaction ends: nobody in the county can read
    or write residents or households while a large import is written (~3 s for 100,000 rows: COPY and
    rebuild). Primary keys, and unique constraints a foreign key relies on, are left in place. If the
    caller's transaction already changed these tables (deferred foreign-key checks still pending,
    PostgreSQL then refuses to alter them), the rows are loaded with the indexes in place.
    """
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            indexes, constraints = _drop_indexes_and_constraints(cursor, tables)
    except OperationalError as refused:
        if not isinstance(refused.__cause__, psycopg.errors.ObjectInUse):
            raise
        indexes, constraints = [], []
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def _drop_indexes_and_constraints(
    cursor: Any, tables: tuple[str, ...]
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """Drop the tables' secondary indexes, unique constraints and foreign keys; returns their definitions."""
    cursor.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
    cursor.execute(
        "SELECT format('%%I.%%I', n.nspname, c.relname), pg_get_indexdef(i.indexrelid) "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE i.indrelid = ANY(%s::regclass[]) "
        "AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
        [list(tables)],
    )
    indexes = cursor.fetchall()
    # Unique constraints first (re-added before the foreign keys), unless a foreign key relies on one.
    cursor.execute(
        "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) "
        "FROM pg_constraint c WHERE conrelid = ANY(%s::regclass[]) AND (contype = 'f' OR contype = 'u' "
        "AND NOT EXISTS (SELECT FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)) "
        "ORDER BY contype = 'f', oid",
        [list(tables)],
    )
    constraints = cursor.fetchall()
    for table, name, _definition in constraints:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    if indexes:
        cursor.execute(f"DROP INDEX {', '.join(name for name, _ in indexes)}")
    return indexes, constraints


def _copy(table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _unit(parent: OrgUnit | None, level: str, name: str, population: int | None = None) -> OrgUnit:
    """Find a unit by name under its parent, or create it (code = name)."""
    found = OrgUnit.objects.filter(parent=parent, name=name, level=level).first()
    if found is not None:
        return found
    if level == OrgUnit.Level.TOWNSHIP:
        kind = OrgUnit.Kind.SUBDISTRICT if name.endswith("街道") else OrgUnit.Kind.TOWN
    elif level == OrgUnit.Level.VILLAGE:
        kind = OrgUnit.Kind.COMMUNITY if name.endswith("社区") else OrgUnit.Kind.VILLAGE
    else:
        kind = OrgUnit.Kind.GROUP
    unit = OrgUnit(parent=parent, level=level, kind=kind, name=name, code=name[:40], population=population)
    unit.save()
    return unit


def _resident_rows(
    plan: Plan,
    ids: list[int],
    groups: dict[tuple[str, str, str], tuple[int, str]],
    households: dict[tuple[int, str], int],
) -> Iterator[tuple]:
    """COPY rows, encrypted as they are streamed: the server takes one batch while the next is encrypted.

    Constant columns are given as COPY text once rather than dumped again for every row.
    """
    encrypt = crypto.encrypt
    now = timezone.now().isoformat()
    for pk, r in zip(ids, plan.residents, strict=True):
        group_id, path = groups[r.group]
        yield (
            pk,
            r.name,
            encrypt(r.id_card) if r.id_card else "",
            r.id_hash,
            encrypt(r.phone) if r.phone else "",
            r.phone_hash,
            households[(group_id, r.household)] if r.household else None,
            group_id,
            path,
            r.gender,
            r.birth_date,
            r.is_party_member,
            "{}",
            "t",
            now,
        )


def write(plan: Plan) -> dict[str, int]:
    """Write a validated plan in one transaction; returns what was created."""
    created = {"units": 0, "households": 0, "residents": 0, "skipped": plan.skipped}
    with transaction.atomic():
        units_before = OrgUnit.objects.count()
        for township, village, group, population in plan.units:
            _unit(_unit(_unit(None, "township", township), "village", village), "group", group, population)
        created["units"] = OrgUnit.objects.count() - units_before
        groups = {
            (g.parent.parent.name, g.parent.name, g.name): (g.id, g.path)
            for g in OrgUnit.objects.filter(level=OrgUnit.Level.GROUP).select_related("parent__parent")
        }
        households = dict(
            ((group_id, number), pk)
            for pk, group_id, number in Household.objects.order_by().values_list("id", "group_id", "number")
        )
        new_households: dict[tuple[int, str], str] = {}  # (group id, number) → address
        for resident in plan.residents:
            key = (groups[resident.group][0], resident.household)
            if resident.household and key not in households and key not in new_households:
                new_households[key] = resident.address
        household_ids = _reserve_ids(Household._meta.db_table, len(new_households))
        households.update(zip(new_households, household_ids, strict=True))
        resident_ids = _reserve_ids(Resident._meta.db_table, len(plan.residents))
        heads = {
            households[(groups[r.group][0], r.household)]: pk
            for pk, r in zip(resident_ids, plan.residents, strict=True)
            if r.is_head
        }
        bulk = len(resident_ids) >= BULK_LOAD_MIN_ROWS and len(resident_ids) > Resident.objects.count()
        # Foreign keys are DEFERRABLE INITIALLY DEFERRED: households may name heads written just after.
        with _bulk_load(BULK_LOAD_TABLES) if bulk else nullcontext():
            _copy(
                Household._meta.db_table,
                ("id", "number", "group_id", "address", "head_id"),
                (
                    (households[key], key[1], key[0], address, heads.get(households[key]))
                    for key, address in new_households.items()
                ),
            )
            _copy(
                Resident._meta.db_table,
                (
                    "id", "name", "id_card", "id_card_hash", "phone", "phone_hash", "household_id", "group_id",
                    "org_path", "gender", "birth_date", "is_party_member", "attributes", "active", "created_at",
                ),
                _resident_rows(plan, resident_ids, groups, households),
            )  # fmt: skip
        new_ids = set(household_ids)
        existing_heads = {h: r for h, r in heads.items() if h not in new_ids}
        if existing_heads:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Household._meta.db_table} AS h SET head_id = v.head "
                    "FROM unnest(%s::bigint[], %s::bigint[]) AS v(household, head) WHERE h.id = v.household",
                    [list(existing_heads), list(existing_heads.values())],
                )
        created["households"] = len(new_households)
        created["residents"] = len(resident_ids)
    return created


# --- entry points --------------------------------------------------------------------------------------------
def import_file_path(path: Path | str, *, on_existing: str = "skip") -> dict[str, int]:
    """Import a file synchronously (policy-pack onboarding); re-running it skips residents already there."""
    plan = validate(read_sheets(path), on_existing=on_existing)
    return write(plan)


ASYNC_THRESHOLD_BYTES = 256 * 1024  # about 3,000 rows: larger files are imported by a Celery worker


def _progress_of(job: ImportJob) -> ProgressCallback:
    def report(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    return report


def run_job(job: ImportJob) -> ImportJob:
    """Validate and write one uploaded file, recording status, progress and the error report on the job.

    Progress is written with autocommit while validating, so a page polling the job sees it move; the
    writing itself is one transaction.
    """
    from cunwu.audit.services import record

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING)
    try:
        with job.file.open("rb") as handle:
            sheets = read_sheets(job.filename, handle.read())
        plan = validate(sheets, progress=_progress_of(job))
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.WRITING)
        with transaction.atomic():
            created = write(plan)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.SUCCEEDED, created=created, finished_at=timezone.now()
            )
            job.refresh_from_db()
            record(actor=job.created_by, action="orgs.import", target=job, after=created)
    except ImportRefused as refused:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            errors=[e.as_dict() for e in refused.errors],
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def import_upload(file: Any, *, actor: Any) -> ImportJob:
    """Store an uploaded file as an :class:`ImportJob` and import it: here if small, by a worker if large."""
    job = ImportJob.objects.create(file=file, filename=Path(file.name).name[:200], created_by=actor)
    if file.size <= ASYNC_THRESHOLD_BYTES:
        return run_job(job)
    from cunwu.orgs.tasks import run_import_job

    transaction.on_commit(lambda: run_import_job.delay(job.pk))
    return job
