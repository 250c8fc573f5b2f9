"""The procedure is policy: 大树镇's six steps from the pack, other counties' steps without code changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cunwu.orgs.models import Body, OrgUnit
from cunwu.policy.packs import PackRefused, validate_pack
from cunwu.tenancy.models import PolicyVersion
from cunwu_projects import services
from tests.projects.conftest import ALT_PACK, DASHU_PACK

# The seed's six steps and their 形成材料 (000_97f4719ad4b32e72.txt, 第1篇), word for word.
SEED_STEPS = [
    (
        "社收集、村整理",
        [
            "项目征求意见表",
            "拟实施项目意见收集汇总表(以社为单位)",
            "会议签到册",
            "会议纪要",
            "现状分析自查表",
            "初选项目表",
            "会议记录",
        ],
    ),
    ("“两委”提议", ["会议签到册", "会议记录", "项目初步实施方案"]),
    ("乡(镇)初审", []),
    (
        "村民决议",
        [
            "项目实施方案",
            "会议签到册",
            "“理财小组”、“质量监督小组”人员构成和选举办法",
            "“理财小组”、“质量监督小组”名单",
        ],
    ),
    ("张榜公示", ["公示表", "公示照片"]),
    ("审批备案", ["上报方案实施意见", "镇政府审批意见"]),
]


def test_onboarding_the_dashu_pack_gives_the_six_steps_and_their_documents(dashu):
    version = PolicyVersion.in_force(dashu)
    steps = version.pack["plugins"]["projects"]["steps"]
    assert [(s["name"], s["documents"]) for s in steps[:6]] == SEED_STEPS
    assert [s["kind"] for s in steps[6:]] == ["implementation", "settlement"]
    assert version.pack["plugins"]["projects"]["settlement_days"] == 7
    # The bodies the steps meet in exist in every village, the 村民(代表)大会 included.
    for village in OrgUnit.objects.filter(level=OrgUnit.Level.VILLAGE):
        assert Body.objects.filter(org_unit=village, kind="assembly").exists()


def test_a_project_gets_the_procedure_of_the_pack(dashu, cadres, village):
    secretary, _official = cadres
    project = services.start_project(
        village=village,
        title="新民村道路维护",
        category="infrastructure",
        location="一社",
        budget=Decimal("30000"),
        actor=secretary,
    )
    steps = list(project.steps.order_by("position"))
    assert [(s.name, s.spec.documents) for s in steps[:6]] == SEED_STEPS
    assert project.current_step == steps[0] and steps[0].status == "active"
    assert project.policy_version == PolicyVersion.in_force(dashu).number


def test_a_county_with_another_step_list_needs_no_code_change(altproc, make_user):
    village = OrgUnit.objects.get(code="lishu")
    secretary = make_user("village_secretary", village)
    project = services.start_project(
        village=village,
        title="梨树村路灯",
        category="infrastructure",
        location="村口",
        budget=Decimal("8000"),
        actor=secretary,
    )
    assert list(project.steps.order_by("position").values_list("name", flat=True)) == [
        "先行公示",
        "议事会表决",
        "镇审批",
        "施工",
        "结算报账",
    ]
    assert project.rules.settlement_days == 10
    assert project.current_step.spec.notice_min_days == 5


def test_a_project_keeps_the_procedure_it_started_under(dashu, cadres, village):
    secretary, _official = cadres
    before = services.start_project(
        village=village,
        title="甲",
        category="livelihood",
        location="一社",
        budget=Decimal("1000"),
        actor=secretary,
    )
    current = PolicyVersion.in_force(dashu)
    pack = current.pack
    pack["plugins"]["projects"]["steps"] = pack["plugins"]["projects"]["steps"][2:]
    pack["plugins"]["projects"]["steps"][0]["returns_to"] = None
    PolicyVersion.objects.create(
        county=dashu,
        number=current.number + 1,
        effective_from=dt.date.today(),
        pack=pack,
        source="# changed",
        source_sha256="x" * 64,
    )
    after = services.start_project(
        village=village,
        title="乙",
        category="livelihood",
        location="一社",
        budget=Decimal("1000"),
        actor=secretary,
    )
    before.refresh_from_db()
    assert before.steps.count() == 8 and before.current_step.code == "collect"
    assert after.steps.count() == 6 and after.current_step.code == "pre_review"
    assert after.policy_version == current.number + 1 != before.policy_version


@pytest.mark.parametrize(
    ("mutation", "path"),
    [
        (('code = "propose"\n', 'code = "propose"\ndocumentz = []\n'), "plugins.projects.steps[1].documentz"),
        (("deadline_days = 60", "deadline_days = -1"), "plugins.projects.steps[0].deadline_days"),
        (('body = "assembly"', 'body = "parliament"'), "plugins.projects.steps[3].meeting.body"),
        (('returns_to = "propose"', 'returns_to = "approve"'), "plugins.projects"),
    ],
)
def test_a_bad_procedure_refuses_the_pack_naming_the_key(mutation, path):
    source = DASHU_PACK.read_text(encoding="utf-8")
    assert mutation[0] in source
    with pytest.raises(PackRefused) as refused:
        validate_pack(source.replace(*mutation, 1))
    assert path in [p.path for p in refused.value.problems]


def test_the_test_packs_validate():
    for pack in (DASHU_PACK, ALT_PACK):
        assert "projects" in validate_pack(pack.read_text(encoding="utf-8")).plugin_parameters
