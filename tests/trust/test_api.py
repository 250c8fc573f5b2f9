"""REST endpoints of notices and evidence: scope, posting, correction, verification, public read, uploads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cunwu.disclosure import services
from cunwu.disclosure.models import Notice
from cunwu.evidence.models import EvidenceFile
from tests.trust.conftest import jpeg_bytes


@pytest.fixture
def api(county_a, host_client, secretary):
    client = host_client(county_a)
    client.force_login(secretary)
    return client


def test_post_list_supersede_verify(api, village):
    created = api.post(
        "/api/notices/",
        {
            "org_unit": village.pk,
            "title": "关于红阳村低保评议结果的公示",
            "body": "评议结果如下。",
            "min_days": 7,
            "attachments": [SimpleUploadedFile("评议.jpg", jpeg_bytes())],
        },
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["public_url"] == f"http://alpha.localhost/disclosure/public/{data['uuid']}/"
    assert data["pdf_url"].endswith(f"/disclosure/public/{data['uuid']}/pdf/")
    assert len(data["attachments"]) == 1 and len(data["attachments"][0]["sha256"]) == 64
    assert api.get(f"/api/notices/{data['id']}/verify/").json() == {
        "ok": True,
        "content_hash": data["content_hash"],
    }
    assert (
        api.patch(f"/api/notices/{data['id']}/", {"title": "x"}, content_type="application/json").status_code
        == 405
    )
    assert api.delete(f"/api/notices/{data['id']}/").status_code == 405

    corrected = api.post(
        f"/api/notices/{data['id']}/supersede/",
        {"title": "关于红阳村低保评议结果的更正公示", "body": "更正后的结果。", "reason": "名单有误"},
        content_type="application/json",
    )
    assert corrected.status_code == 201, corrected.content
    assert corrected.json()["supersedes"] == data["uuid"]
    assert len(corrected.json()["attachments"]) == 1
    listed = api.get("/api/notices/").json()
    assert data["id"] not in [
        n["id"] for n in api.get("/api/notices/", {"status": "current"}).json()["results"]
    ]
    old = next(n for n in listed["results"] if n["id"] == data["id"])
    assert old["superseded_by"] == corrected.json()["uuid"]


def test_bad_input_is_refused_and_changes_nothing(api, village):
    before = Notice.objects.count()
    refused = api.post(
        "/api/notices/",
        {
            "org_unit": village.pk,
            "title": "x",
            "body": "y",
            "min_days": 3,
            "attachments": [SimpleUploadedFile("a.jpg", b"text")],
        },
    )
    assert refused.status_code == 400 and "attachments" in refused.json()
    assert (
        api.post(
            "/api/notices/", {"org_unit": village.pk, "title": "x", "body": "y", "min_days": 0}
        ).status_code
        == 400
    )
    assert Notice.objects.count() == before


def test_secretary_cannot_post_or_see_outside_own_village(county_a, api, secretary):
    from cunwu.orgs.models import OrgUnit

    other = OrgUnit.objects.get(path="west/zhoucun")
    refused = api.post("/api/notices/", {"org_unit": other.pk, "title": "x", "body": "y", "min_days": 3})
    assert refused.status_code == 403
    foreign = services.post_notice(org_unit=other, title="周村公示", body="正文", min_days=3, actor=secretary)
    assert api.get(f"/api/notices/{foreign.pk}/").status_code == 404
    assert all(n["id"] != foreign.pk for n in api.get("/api/notices/").json()["results"])


def test_villager_and_anonymous_cannot_use_staff_endpoints(county_a, host_client, make_user, village):
    anonymous = host_client(county_a)
    assert anonymous.get("/api/notices/").status_code in (401, 403)
    villager = host_client(county_a)
    villager.force_login(make_user(role="villager", org_unit=village))
    assert villager.get("/api/notices/").status_code == 403


def test_public_endpoint_needs_no_account(county_a, host_client, secretary, village):
    notice = services.post_notice(
        org_unit=village, title="公开的公示", body="正文", min_days=3, actor=secretary
    )
    client = host_client(county_a)
    listed = client.get("/api/public/notices/").json()
    assert [n["uuid"] for n in listed["results"]] == [str(notice.uuid)]
    assert client.get(f"/api/public/notices/{notice.uuid}/verify/").json()["ok"] is True


def test_evidence_upload_list_and_content(api, village, county_a, host_client, make_user):
    uploaded = api.post(
        "/api/evidence/",
        {
            "target_type": "orgs.orgunit",
            "target_id": village.pk,
            "file": SimpleUploadedFile("现场.jpg", jpeg_bytes()),
            "category": "photo",
        },
    )
    assert uploaded.status_code == 201, uploaded.content
    listed = api.get("/api/evidence/", {"target_type": "orgs.orgunit", "target_id": village.pk}).json()
    assert [f["sha256"] for f in listed["results"]] == [uploaded.json()["sha256"]]
    content = api.get(f"/api/evidence/{uploaded.json()['uuid']}/content/")
    assert b"".join(content.streaming_content).startswith(b"\xff\xd8")
    rejected = api.post(
        "/api/evidence/",
        {
            "target_type": "orgs.orgunit",
            "target_id": village.pk,
            "file": SimpleUploadedFile("x.jpg", b"not an image"),
        },
    )
    assert rejected.status_code == 400 and "file" in rejected.json()
    assert EvidenceFile.objects.count() == 1

    outsider = host_client(county_a)
    outsider.force_login(make_user(role="villager", org_unit=village))
    assert outsider.get(f"/api/evidence/{uploaded.json()['uuid']}/content/").status_code == 403
    assert outsider.get(f"/evidence/{uploaded.json()['uuid']}/").status_code == 403


def test_schema_lists_the_endpoints(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/notices/",
        "/api/notices/{id}/supersede/",
        "/api/public/notices/{uuid}/",
        "/api/evidence/",
    ):
        assert path in schema["paths"]
