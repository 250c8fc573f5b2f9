"""The 评分条例 pages (history, one version, the revise form) and revisions surviving a re-onboarded pack."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from cunwu.disclosure.models import Notice
from cunwu_points import policy
from cunwu_points.models import RuleVersion
from cunwu_points.services import rules
from tests.points.conftest import PACK

FIELDS = ("code", "behaviour", "points", "category", "evidence_required", "limit_per_period", "limit_period")


def _post_data(table: list[dict], extra: list[dict] = (), deleted: set[str] = frozenset()) -> dict:
    """The revise form as a browser sends it: the current rows (some ticked 停用) and added rows."""
    rows = [*table, *extra]
    data = {
        "rules-TOTAL_FORMS": str(len(rows)),
        "rules-INITIAL_FORMS": str(len(table)),
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "500",
    }
    for index, row in enumerate(rows):
        for name in FIELDS:
            value = row.get(name)
            if name == "evidence_required":
                if value:
                    data[f"rules-{index}-{name}"] = "on"
                continue
            data[f"rules-{index}-{name}"] = "" if value is None else str(value)
        if row["code"] in deleted:
            data[f"rules-{index}-DELETE"] = "on"
    return data


def _current(village) -> RuleVersion:
    return RuleVersion.objects.filter(village=village).order_by("-number").first()


def test_the_working_group_reads_the_history_and_any_version(hongyang, secretary, host_client, points_county):
    client = host_client(points_county)
    client.force_login(secretary)
    assert client.get("/points/rules/")["Location"] == f"/points/rules/{hongyang.pk}/"  # one village
    html = client.get(f"/points/rules/{hongyang.pk}/").content.decode()
    assert "红阳村积分制评分条例" in html and "第1版" in html and "县政策包" in html
    assert "新增: 参加志愿服务 5分" in html  # the first version against nothing
    notice = Notice.objects.get(kind="points_rules", subject_id=str(_current(hongyang).pk))
    assert notice.get_public_url() in html
    assert f"/points/rules/{hongyang.pk}/revise/" in html
    version = client.get(f"/points/rules/{hongyang.pk}/v1/").content.decode()
    assert "参加村民大会" in version and "每月 2 次" in version and "现行" in version
    assert client.get(f"/points/rules/{hongyang.pk}/v99/").status_code == 404
    home = client.get("/").content.decode()
    assert 'href="/points/rules/"' in home and "评分条例" in home


def test_the_revise_form_makes_a_version_and_posts_it(hongyang, secretary, host_client, points_county):
    client = host_client(points_county)
    client.force_login(secretary)
    before = _current(hongyang)
    form = client.get(f"/points/rules/{hongyang.pk}/revise/").content.decode()
    assert 'value="volunteer"' in form and "停用" in form and "添加一行" in form
    table = [{**row, "points": "6" if row["code"] == "volunteer" else row["points"]} for row in before.table]
    added = {"code": "clean-yard", "behaviour": "清扫庭院", "points": "1.5", "category": "环境卫生",
             "limit_per_period": 1, "limit_period": "week"}  # fmt: skip
    response = client.post(
        f"/points/rules/{hongyang.pk}/revise/",
        _post_data(table, [added, {"limit_period": "year", "code": ""}], deleted={"gambling"}),
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    made = _current(hongyang)
    assert made.number == before.number + 1 and made.source == RuleVersion.Source.VILLAGE
    assert f"已生成第{made.number}版评分条例" in html and "村积分制执行组修订" in html
    assert "新增: 清扫庭院 1.5分" in html and "调整: 参加志愿服务 6分" in html and "停用: 参与赌博" in html
    current = {rule.code: rule for rule in rules.current_rules(hongyang)}
    assert set(current) == {"meeting", "volunteer", "good-deed", "litter", "clean-yard"}
    assert current["volunteer"].points == Decimal("6")
    assert (current["clean-yard"].limit_per_period, current["clean-yard"].limit_period) == (1, "week")
    notice = Notice.objects.get(kind="points_rules", subject_id=str(made.pk))
    assert notice.posted_by == secretary and "停用: 参与赌博" in notice.body
    again = client.post(
        f"/points/rules/{hongyang.pk}/revise/", _post_data(made.table), follow=True
    ).content.decode()
    assert "评分条例没有变化" in again and _current(hongyang) == made


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"points": "0"}, "“分值”有误: 分值不能为 0"),
        ({"code": "meeting"}, "规则代码重复: meeting"),
        ({"code": "Bad Code"}, "只能用小写字母、数字、- 和 _"),
        ({"points": "abc"}, "请改正标出的错误"),
    ],
)
def test_a_bad_table_is_refused_and_changes_nothing(
    change, message, hongyang, secretary, host_client, points_county
):
    client = host_client(points_county)
    client.force_login(secretary)
    before = _current(hongyang)
    notices = Notice.objects.count()
    table = [{**row, **change} if row["code"] == "volunteer" else row for row in before.table]
    response = client.post(f"/points/rules/{hongyang.pk}/revise/", _post_data(table))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "评分条例没有改动" in html
    assert _current(hongyang) == before and Notice.objects.count() == notices
    assert rules.rule_for(hongyang, "volunteer").points == Decimal("5")


def test_switching_every_rule_off_is_refused(hongyang, secretary, host_client, points_county):
    client = host_client(points_county)
    client.force_login(secretary)
    before = _current(hongyang)
    data = _post_data(before.table, deleted={row["code"] for row in before.table})
    html = client.post(f"/points/rules/{hongyang.pk}/revise/", data).content.decode()
    assert "评分条例不能为空" in html and _current(hongyang) == before


def test_htmx_adds_a_blank_row(hongyang, secretary, host_client, points_county):
    client = host_client(points_county)
    client.force_login(secretary)
    html = client.get(f"/points/rules/{hongyang.pk}/revise/row/", {"rules-TOTAL_FORMS": "6"}).content.decode()
    assert 'name="rules-6-code"' in html and 'name="rules-6-DELETE"' in html
    assert 'id="id_rules-TOTAL_FORMS" value="7" hx-swap-oob="true"' in html


def test_who_may_read_and_who_may_revise(
    hongyang, shanzhugou, make_user, make_resident, host_client, points_county
):
    def answers(user) -> tuple[int, int, int]:
        client.force_login(user)
        return (
            client.get(f"/points/rules/{hongyang.pk}/").status_code,
            client.get(f"/points/rules/{hongyang.pk}/revise/").status_code,
            client.post(f"/points/rules/{hongyang.pk}/revise/", {}).status_code,
        )

    client = host_client(points_county)
    villager = make_user("villager", hongyang)
    villager.resident_id = make_resident(hongyang, "赵六").pk
    villager.save()
    township = make_user("township_official", hongyang.parent)
    assert answers(make_user("points_reviewer", hongyang)) == (200, 200, 200)
    for reader in (villager, township, make_user("points_registrar", hongyang)):
        assert answers(reader) == (200, 403, 403)
        assert "修订评分条例" not in client.get(f"/points/rules/{hongyang.pk}/").content.decode()
    for outsider in (
        make_user("village_secretary", shanzhugou),
        make_user("township_official", shanzhugou.parent),
    ):
        assert answers(outsider) == (403, 403, 403)
        assert client.get(f"/points/rules/{hongyang.pk}/v1/").status_code == 403
    assert answers(make_user()) == (403, 403, 403)
    assert "您没有可查看评分条例的村" in client.get("/points/rules/").content.decode()
    assert client.get(f"/points/rules/{shanzhugou.pk}/revise/row/").status_code == 403
    client.logout()
    assert client.get(f"/points/rules/{hongyang.pk}/")["Location"].startswith("/login/")
    assert rules.current_rules(hongyang).count() == 5  # nobody changed anything
    county_wide = make_user("township_official")
    client.force_login(county_wide)
    index = client.get("/points/rules/").content.decode()
    assert "红阳村" in index and "山竹沟村" in index


def _onboard(source: str, county):
    """Onboard the pack text as ``manage.py onboard`` does; back in the county's schema afterwards."""
    from cunwu.policy.packs import validate_pack
    from cunwu.tenancy.onboarding import onboard

    result = onboard(validate_pack(source), actor="tests")
    connection.set_tenant(result.county)
    return result.county


def test_re_onboarding_keeps_a_village_revision_until_the_pack_changes(
    hongyang, shanzhugou, secretary, points_county
):
    pack = PACK.read_text(encoding="utf-8")
    table = [
        {**row, "points": "6"} if row["code"] == "volunteer" else row
        for row in _current(hongyang).table
        if row["code"] != "gambling"
    ]
    revision = rules.revise_village_table(hongyang, table, actor=secretary)
    others = _current(shanzhugou)
    try:
        _onboard(pack, points_county)  # the same pack: the revision stands
        assert _current(hongyang) == revision
        assert rules.rule_for(hongyang, "volunteer").points == Decimal("6")
        assert _current(shanzhugou) == others

        changed = pack.replace(
            'behaviour = "参加志愿服务"\n  points = 5', 'behaviour = "参加志愿服务"\n  points = 7'
        )
        assert changed != pack
        notices = Notice.objects.filter(org_unit=hongyang, kind="points_rules").count()
        county = _onboard(changed, points_county)  # the county's new policy wins
        replaced = _current(hongyang)
        assert replaced.number == revision.number + 1 and replaced.source == RuleVersion.Source.PACK
        assert rules.rule_for(hongyang, "volunteer").points == Decimal("7")
        assert rules.rule_for(hongyang, "gambling").points == Decimal("-20")
        assert Notice.objects.filter(org_unit=hongyang, kind="points_rules").count() == notices + 1
        assert _current(shanzhugou).number == others.number + 1  # its pack table changed as well

        newer = rules.revise_village_table(hongyang, table, actor=secretary)
        _onboard(changed, points_county)
        assert _current(hongyang) == newer  # a revision of the new policy stands in turn
    finally:
        policy._cache.pop((points_county.schema_name, points_county.plugins_version + 1), None)
        policy._cache.pop((points_county.schema_name, points_county.plugins_version + 2), None)
    assert county.plugins_version > points_county.plugins_version


def test_a_pack_catching_up_with_the_revision_posts_nothing_and_remembers(hongyang, secretary):
    """The county writes the village's revision into its pack: no new version, and the next revision stands."""
    from cunwu_points.parameters import PointsParameters
    from cunwu_points.policy import parameters

    table = [row for row in _current(hongyang).table if row["code"] != "gambling"]
    revision = rules.revise_village_table(hongyang, table, actor=secretary)
    current = parameters().model_dump(mode="json")
    adopted = {**current, "village_overrides": [
        *current["village_overrides"], {"village": "hongyang", "disabled_rules": ["gambling"]}
    ]}  # fmt: skip
    assert rules.apply_parameters(PointsParameters.model_validate(adopted), actor="tests") == []
    revision.refresh_from_db()
    assert _current(hongyang) == revision and revision.pack_sha256 == revision.sha256
    newer = rules.revise_village_table(hongyang, table[:-1], actor=secretary)
    assert rules.apply_parameters(PointsParameters.model_validate(adopted), actor="tests") == []
    assert _current(hongyang) == newer


def test_the_migration_labels_earlier_revisions_from_their_notices(hongyang, secretary):
    """Versions made before ``source`` existed: a person's 公示 marks a revision, the system's the pack."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("cunwu_points.migrations.0002_ruleversion_source")
    pack_version = _current(hongyang)
    revision = rules.revise_village_table(hongyang, pack_version.table[:-1], actor=secretary)
    RuleVersion.objects.update(source=RuleVersion.Source.PACK, pack_sha256="")
    migration.label_existing(apps, None)
    revision.refresh_from_db()
    pack_version.refresh_from_db()
    assert (pack_version.source, pack_version.pack_sha256) == (RuleVersion.Source.PACK, pack_version.sha256)
    assert (revision.source, revision.pack_sha256) == (RuleVersion.Source.VILLAGE, pack_version.sha256)


def test_the_pages_speak_english_too(hongyang, secretary, host_client, points_county):
    client = host_client(points_county)
    client.force_login(secretary)
    history = client.get(f"/points/rules/{hongyang.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Version 1" in history and "County policy pack" in history and "Revise the rules" in history
    table = [{**row, "points": "0"} for row in _current(hongyang).table]
    refused = client.post(
        f"/points/rules/{hongyang.pk}/revise/", _post_data(table), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Rules table, line 1," in refused.content.decode()
