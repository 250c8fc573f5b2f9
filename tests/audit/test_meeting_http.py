"""Meetings over HTTP: the REST endpoints and the pages of a village secretary, scoped to the village."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from cunwu.audit.models import AuditEntry
from cunwu.meetings import services
from cunwu.meetings.models import Attendance, Decision, Meeting
from cunwu.orgs.models import OrgUnit
from tests.audit.conftest import MEETING_DAY


@pytest.fixture
def secretary(make_user, zhoucun):
    return make_user(role="village_secretary", org_unit=zhoucun)


@pytest.fixture
def client(host_client, county_a, secretary):
    client = host_client(county_a)
    client.force_login(secretary)
    return client


@pytest.fixture
def meeting(council, secretary):
    return services.schedule_meeting(
        body=council, held_on=MEETING_DAY, place="村委会议室", agenda="审议道路硬化项目", actor=secretary
    )


def test_api_walks_a_meeting_from_schedule_to_decision(client, council, residents):
    created = client.post(
        "/api/meetings/",
        {"body": council.pk, "held_on": "2026-03-10", "place": "村委会议室", "agenda": "道路硬化"},
        content_type="application/json",
        HTTP_USER_AGENT="FieldTablet/2",
    )
    assert created.status_code == 201, created.content
    trail = AuditEntry.objects.get(action="meetings.meeting.schedule", target_id=str(created.json()["id"]))
    assert (trail.ip_address, trail.user_agent) == ("127.0.0.1", "FieldTablet/2")  # from the request
    url = f"/api/meetings/{created.json()['id']}/"
    signed = client.post(
        url + "sign-in/",
        {"residents": [r.pk for r in residents[:7]], "via": "paper"},
        content_type="application/json",
    )
    assert signed.status_code == 201 and len(signed.json()) == 7
    vote = {"title": "道路硬化", "votes_for": 5, "votes_against": 1, "abstentions": 1}
    refused = client.post(url + "decisions/", vote, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "出席 7 人,应到 15 人,未达法定人数(需过半数)"
    client.post(url + "sign-in/", {"residents": [residents[7].pk]}, content_type="application/json")
    assert client.get(url).json()["quorum"] == {"present": 8, "seats": 15, "required": 8, "met": True}
    too_many = client.post(url + "decisions/", vote | {"votes_for": 7}, content_type="application/json")
    assert too_many.status_code == 400 and "超过到会表决成员 8 人" in too_many.json()["detail"]
    decided = client.post(url + "decisions/", vote, content_type="application/json")
    assert decided.status_code == 201 and decided.json()["passed"] is True
    minutes = client.post(url + "minutes/", {"text": "同意实施。"}, content_type="application/json")
    assert minutes.status_code == 200 and minutes.json()["minutes"] == "同意实施。"
    listed = client.get("/api/meetings/", {"body": council.pk}).json()
    assert [m["id"] for m in listed["results"]] == [created.json()["id"]]


def test_meetings_by_subject(client, council, secretary, zhoucun):
    subject = OrgUnit.objects.get(code="hongyang")
    about = services.schedule_meeting(
        body=council, held_on=MEETING_DAY, place="礼堂", agenda="议题", actor=secretary, subject=subject
    )
    services.schedule_meeting(body=council, held_on=MEETING_DAY, place="礼堂", agenda="其他", actor=secretary)
    found = client.get("/api/meetings/", {"subject_type": "orgs.orgunit", "subject_id": subject.pk}).json()
    assert [m["id"] for m in found["results"]] == [about.pk]
    assert found["results"][0]["subject_type"] == "orgs.orgunit"


def test_another_villages_secretary_can_neither_see_nor_run_the_meeting(
    host_client, county_a, make_user, meeting, council, residents
):
    stranger = make_user(role="village_secretary", org_unit=OrgUnit.objects.get(code="hongyang"))
    client = host_client(county_a)
    client.force_login(stranger)
    assert client.get(f"/api/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    created = client.post(
        "/api/meetings/",
        {"body": council.pk, "held_on": "2026-03-10", "place": "x", "agenda": "y"},
        content_type="application/json",
    )
    assert created.status_code == 403
    assert Meeting.objects.count() == 1


def test_a_supervisor_reads_but_cannot_sign_people_in(
    host_client, county_a, make_user, zhoucun, meeting, residents
):
    supervisor = make_user(role="supervisory_member", org_unit=zhoucun)
    client = host_client(county_a)
    client.force_login(supervisor)
    assert client.get(f"/api/meetings/{meeting.pk}/").status_code == 200
    response = client.post(
        f"/api/meetings/{meeting.pk}/sign-in/",
        {"residents": [residents[0].pk]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_pages_schedule_sign_in_with_htmx_and_decide(client, council, residents):
    assert client.get("/meetings/new/").status_code == 200
    response = client.post(
        "/meetings/new/",
        {"body": council.pk, "held_on": "2026-03-10", "place": "村委会议室", "agenda": "道路硬化"},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == f"/meetings/{meeting.pk}/"
    candidates = client.get(f"/meetings/{meeting.pk}/candidates/", {"q": "村民0"}, HTTP_HX_REQUEST="true")
    assert "村民00" in candidates.text and "成员" in candidates.text
    for resident in residents[:8]:
        signed = client.post(
            f"/meetings/{meeting.pk}/sign-in/", {"residents": resident.pk}, HTTP_HX_REQUEST="true"
        )
        assert (
            resident.name in signed.text
            and f'id="candidate-{resident.pk}" hx-swap-oob="delete"' in signed.text
        )
        # The search list asks again, so that a search answered before the sign-in cannot relist them.
        assert signed.headers["HX-Trigger"] == "attendance-changed"
    assert "已达法定人数" in client.get(f"/meetings/{meeting.pk}/").text
    bad = client.post(
        f"/meetings/{meeting.pk}/decisions/",
        {"title": "道路硬化", "votes_for": 9, "votes_against": 0, "abstentions": 0, "majority": "simple"},
    )
    assert bad.status_code == 400 and "超过到会表决成员 8 人" in bad.text
    good = client.post(
        f"/meetings/{meeting.pk}/decisions/",
        {"title": "道路硬化", "votes_for": 6, "votes_against": 2, "abstentions": 0, "majority": "two_thirds"},
    )
    assert good.status_code == 302 and Decision.objects.get().passed
    index = client.get("/meetings/", {"q": "道路"})
    assert "村委会议室" in index.text and "安排会议" in index.text
    assert "还没有会议" in client.get("/meetings/", {"q": "无此议题"}).text


def test_printable_sheet_minutes_and_attendance_export(client, meeting, residents, secretary):
    services.sign_in(meeting, [*residents[:3], residents[18]], actor=secretary)
    services.record_minutes(meeting, text="会议由村书记主持。", actor=secretary)
    sheet = client.get(f"/meetings/{meeting.pk}/sheet/")
    assert sheet.status_code == 200
    assert "会议签到册" in sheet.text and "村民14" in sheet.text and "列席人员" in sheet.text
    assert "meetings/print.css" in sheet.text
    minutes = client.get(f"/meetings/{meeting.pk}/minutes/print/")
    assert "会议由村书记主持。" in minutes.text
    export = client.get(f"/meetings/{meeting.pk}/attendance.xlsx")
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("到会表决成员", 3, "应到", 15)
    assert [row[1:3] for row in rows[4:]] == [
        ("村民00", "成员"),
        ("村民01", "成员"),
        ("村民02", "成员"),
        ("村民18", "列席"),
    ]
    api_export = client.get(f"/api/meetings/{meeting.pk}/attendance-export/")
    assert api_export.status_code == 200 and api_export["Content-Type"].startswith("application/vnd.openxml")
