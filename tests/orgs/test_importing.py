"""Importing organisations, households and residents: all or nothing, with a per-row error report."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import Workbook

from cunwu.orgs.importing import ImportRefused, import_file_path, import_upload
from cunwu.orgs.models import Household, ImportJob, OrgUnit, Resident
from cunwu.orgs.validators import id_card_problem
from tests.orgs.idcards import id_card

HEADER = ["乡镇", "村(社区)", "村民小组", "户号", "户主", "姓名", "身份证号", "手机号", "党员", "地址"]


def _xlsx(path, residents, orgs=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "村民"
    sheet.append(HEADER)
    for row in residents:
        sheet.append(row)
    if orgs is not None:
        org_sheet = workbook.create_sheet("组织机构")
        org_sheet.append(["乡镇", "村(社区)", "村民小组", "人口"])
        for row in orgs:
            org_sheet.append(row)
    workbook.save(path)
    return path


def test_known_id_cards():
    assert id_card_problem("11010519491231002X") is None  # the standard's own example
    assert id_card_problem("110105194912310021") == "校验码错误"
    assert id_card_problem("110105194913310029") == "出生日期无效"
    assert id_card_problem("1101051949123100") is not None


def test_a_clean_file_creates_units_households_and_residents(county_a, tmp_path):
    path = _xlsx(
        tmp_path / "ok.xlsx",
        [
            ["东镇", "红阳村", "一组", "H001", "是", "张三", id_card(1), "13812345678", "是", "红阳路1号"],
            ["东镇", "红阳村", "一组", "H001", "", "张小三", id_card(2), "", "", ""],
            ["北镇", "新村", "三组", "H100", "是", "李四", id_card(3).lower(), "13912345678", "否", ""],
        ],
        orgs=[["北镇", "新村", "三组", 120]],
    )
    created = import_file_path(path, on_existing="error")
    assert created["residents"] == 3 and created["households"] == 2 and created["units"] == 3
    zhang = Resident.objects.with_id_card(id_card(1)).get()
    assert zhang.name == "张三" and zhang.phone == "13812345678" and zhang.is_party_member
    assert zhang.household.head == zhang and zhang.org_path == "east/hongyang/1"
    assert zhang.gender == "M" or zhang.gender == "F"
    assert zhang.birth_date.year == 1950
    li = Resident.objects.with_id_card(id_card(3)).get()  # lower-case x normalised
    assert li.group.path == "北镇/新村/三组" and li.group.parent.kind == OrgUnit.Kind.VILLAGE
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_card, phone FROM orgs_resident WHERE id = %s", [zhang.pk])
        raw_id, raw_phone = cursor.fetchone()
    assert id_card(1) not in raw_id and "13812345678" not in raw_phone
    # a new resident joins an existing household; people already there are skipped by the pack path
    more = _xlsx(
        tmp_path / "more.xlsx",
        [
            ["东镇", "红阳村", "一组", "H001", "", "张四", id_card(4), "", "", ""],
            ["东镇", "红阳村", "一组", "H001", "是", "张三", id_card(1), "13812345678", "是", ""],
        ],
    )
    assert import_file_path(more)["residents"] == 1
    assert Household.objects.get(number="H001").members.count() == 3


def test_one_bad_row_imports_nothing_and_every_problem_is_named(county_a, tmp_path):
    Resident.objects.create(name="王五", id_card=id_card(9), group=OrgUnit.objects.get(path="west/zhoucun/1"))
    residents_before, households_before = Resident.objects.count(), Household.objects.count()
    bad_check = id_card(5)[:17] + ("0" if id_card(5)[17] != "0" else "1")
    path = _xlsx(
        tmp_path / "bad.xlsx",
        [
            ["东镇", "红阳村", "一组", "H001", "是", "甲", id_card(1), "13812345678", "", ""],
            ["东镇", "红阳村", "九组", "H002", "", "乙", id_card(2), "", "", ""],
            ["东镇", "红阳村", "一组", "H003", "", "丙", bad_check, "", "", ""],
            ["东镇", "红阳村", "一组", "H003", "", "丁", id_card(1), "", "", ""],
            ["东镇", "红阳村", "一组", "H003", "", "戊", id_card(6), "2345", "也许", ""],
            ["东镇", "红阳村", "一组", "", "", "己", id_card(9), "", "", ""],
            ["东镇", "红阳村", "一组", "", "", "", "", "", "", ""],
        ],
    )
    with pytest.raises(ImportRefused) as refused:
        import_file_path(path, on_existing="error")
    problems = {(e.row, e.column) for e in refused.value.errors}
    assert problems == {
        (3, "村民小组"),
        (4, "身份证号"),
        (5, "身份证号"),
        (6, "手机号"),
        (6, "党员"),
        (7, "身份证号"),
        (8, "姓名"),
    }
    reasons = {(e.row, e.column): e.reason for e in refused.value.errors}
    assert reasons[(5, "身份证号")] == "与第2行重复"
    assert reasons[(4, "身份证号")] == "校验码错误"
    assert reasons[(7, "身份证号")] == "该身份证号已登记"
    assert Resident.objects.count() == residents_before and Household.objects.count() == households_before


def test_missing_headers_are_reported(county_a, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("乡镇,姓名\n东镇,张三\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_file_path(path)
    assert {(e.row, e.column) for e in refused.value.errors} == {(1, "村(社区)"), (1, "村民小组")}


def test_csv_upload_in_gb18030_is_a_job_with_the_result(county_a, make_user):
    admin = make_user("county_admin")
    text = ",".join(HEADER) + "\n" + f"西镇,周村,一组,Z1,是,赵六,{id_card(7)},13700001111,否,\n"
    upload = SimpleUploadedFile("村民.csv", text.encode("gb18030"), content_type="text/csv")
    job = import_upload(upload, actor=admin)
    assert job.status == ImportJob.Status.SUCCEEDED, job.errors
    assert job.created["residents"] == 1 and job.percent == 100
    assert Resident.objects.with_id_card(id_card(7)).get().household.number == "Z1"


def test_a_refused_upload_keeps_its_report(county_a, make_user):
    admin = make_user("county_admin")
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(["西镇", "周村", "一组", "", "", "钱七", "123", "", "", ""])
    workbook.save(buffer)
    job = import_upload(SimpleUploadedFile("bad.xlsx", buffer.getvalue()), actor=admin)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [
        {"sheet": "村民", "row": 2, "column": "身份证号", "reason": "应为18位:17位数字加1位数字或X"}
    ]
    assert not Resident.objects.filter(name="钱七").exists()


def test_a_large_upload_runs_in_a_worker_task(
    county_a, make_user, monkeypatch, django_capture_on_commit_callbacks
):
    from cunwu.orgs import importing, tasks

    monkeypatch.setattr(importing, "ASYNC_THRESHOLD_BYTES", 10)
    sent = []
    monkeypatch.setattr(tasks.run_import_job, "delay", lambda job_id: sent.append(job_id))
    text = ",".join(HEADER) + "\n" + f"西镇,周村,一组,Z9,是,周九,{id_card(11)},,否,\n"
    with django_capture_on_commit_callbacks(execute=True):
        job = import_upload(SimpleUploadedFile("big.csv", text.encode()), actor=make_user("county_admin"))
    assert job.status == ImportJob.Status.PENDING and sent == [job.pk]
    assert tasks.run_import_job.run(job.pk) == ImportJob.Status.SUCCEEDED  # what the worker executes
    job.refresh_from_db()
    assert job.created["residents"] == 1 and job.processed_rows == job.total_rows == 1
    assert tasks.run_import_job.run(job.pk) == "gone"  # a redelivered message does nothing


def test_a_file_that_is_not_a_workbook_is_refused_by_name(county_a, make_user):
    job = import_upload(SimpleUploadedFile("名册.xlsx", b"not a zip"), actor=make_user("county_admin"))
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["reason"].startswith("无法读取该文件")


def test_optional_columns_may_be_absent_or_cut_short(county_a, tmp_path):
    minimal = tmp_path / "minimal.csv"  # required columns only, in another order
    minimal.write_text("姓名,村民小组,村(社区),乡镇\n无证,一组,周村,西镇\n", encoding="utf-8")
    assert import_file_path(minimal, on_existing="error")["residents"] == 1
    assert Resident.objects.get(name="无证").group.path == "west/zhoucun/1"
    short = tmp_path / "short.csv"  # a row that stops after 姓名: the cells after it are empty
    short.write_text(",".join(HEADER) + "\n西镇,周村,一组,S1,是,短行\n", encoding="utf-8")
    assert import_file_path(short, on_existing="error") == {
        "units": 0,
        "households": 1,
        "residents": 1,
        "skipped": 0,
    }
    resident = Resident.objects.get(name="短行")
    assert resident.household.head == resident and resident.id_card == "" and not resident.is_party_member
