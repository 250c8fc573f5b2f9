"""``/api/points/rule-versions/``: a village's 评分条例 versions, read as on the 评分条例 pages."""

from __future__ import annotations

from datetime import datetime

from cunwu.disclosure.models import Notice
from cunwu_points.models import RuleVersion
from cunwu_points.services import rules

URL = "/api/points/rule-versions/"


def _revise(village, secretary) -> RuleVersion:
    table = RuleVersion.objects.filter(village=village).order_by("-number").first().table
    changed = [{**row, "points": "7"} if row["code"] == "volunteer" else row for row in table]
    return rules.revise_village_table(village, changed, actor=secretary)


def test_list_and_detail_of_a_village_s_versions(hongyang, secretary, host_client, points_county):
    revision = _revise(hongyang, secretary)
    api = host_client(points_county)
    api.force_login(secretary)
    page = api.get(URL, {"village": hongyang.pk}).json()
    assert page["count"] == 2 and "next" in page  # paginated
    newest, first = page["results"]
    assert (newest["number"], newest["source"], first["source"]) == (2, "village", "pack")
    assert newest["source_label"] == "村积分制执行组修订" and newest["village_name"] == "红阳村"
    assert datetime.fromisoformat(newest["effective_at"]) == revision.created_at
    assert newest["changes"] == ["调整: 参加志愿服务 7分"]
    assert {row["code"]: row["points"] for row in newest["table"]}["volunteer"] == "7"
    notice = Notice.objects.get(kind="points_rules", subject_id=str(revision.pk))
    assert newest["notice"] == notice.pk
    assert newest["notice_url"] == f"http://{points_county.slug}.localhost{notice.get_public_url()}"
    assert first["notice"] is not None and first["notice"] != notice.pk
    detail = api.get(f"{URL}{revision.pk}/").json()
    assert detail == newest


def test_read_permissions_are_those_of_the_pages(
    hongyang, shanzhugou, make_user, make_resident, host_client, points_county
):
    hongyang_v1 = RuleVersion.objects.get(village=hongyang, number=1)
    api = host_client(points_county)

    def seen(user) -> tuple[set[int], int]:
        api.force_login(user)
        villages = {row["village"] for row in api.get(URL).json()["results"]}
        return villages, api.get(f"{URL}{hongyang_v1.pk}/").status_code

    villager = make_user("villager", hongyang)
    villager.resident_id = make_resident(hongyang, "赵六").pk
    villager.save()
    for reader in (
        villager,
        make_user("points_registrar", hongyang),
        make_user("village_secretary", hongyang),
    ):
        assert seen(reader) == ({hongyang.pk}, 200)
    for outsider in (
        make_user("village_secretary", shanzhugou),
        make_user("township_official", shanzhugou.parent),
    ):
        assert seen(outsider) == ({shanzhugou.pk}, 404)
    assert seen(make_user()) == (set(), 404)
    assert seen(make_user("township_official")) == ({hongyang.pk, shanzhugou.pk}, 200)  # county-wide
    # Filtering by a village one may not read gives nothing, not its rules.
    api.force_login(make_user("village_secretary", shanzhugou))
    assert api.get(URL, {"village": hongyang.pk}).json()["count"] == 0
    api.logout()
    assert api.get(URL).status_code == 403


def test_the_endpoint_is_in_the_openapi_schema(secretary, host_client, points_county):
    api = host_client(points_county)
    api.force_login(secretary)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert {"/api/points/rule-versions/", "/api/points/rule-versions/{id}/"} <= set(schema["paths"])
    listing = schema["paths"]["/api/points/rule-versions/"]["get"]
    assert {"village", "source", "page"} <= {parameter["name"] for parameter in listing["parameters"]}
    fields = schema["components"]["schemas"]["RuleVersion"]["properties"]
    assert {"number", "effective_at", "source", "table", "notice", "notice_url"} <= set(fields)
