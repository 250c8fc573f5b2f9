"""The project procedure as policy: the ``[plugins.projects]`` table of a county's pack.

The default is 大树镇's procedure (村级公共服务运行实施方案, 2014): six steps before implementation, each
with the documents (形成材料) it must leave on file, then implementation and settlement. A county reorders,
renames, adds or drops steps and documents in its pack; the code only knows the *kinds* of requirement a
step may carry (a meeting and its vote, an election, a 公示, a township review).

Validators' messages are gettext strings translated when the pack is validated, so a refusal is in the
request's language (``cunwu.policy.messages`` shows a validator's ``ValueError`` as raised).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, model_validator

# The four kinds of O&M project of the 运行维护机制建设工作手册 (seed 001).
CATEGORIES: dict[str, str] = {
    "infrastructure": "农村基础设施和环境",
    "production": "农业生产服务",
    "livelihood": "农村生活服务",
    "social_management": "农村社会管理",
}
Category = Literal["infrastructure", "production", "livelihood", "social_management"]

MeetingBody = Literal[
    "party_committee",
    "villagers_committee",
    "villagers_council",
    "group_council",
    "supervisory_committee",
    "assembly",
]
ElectedGroup = Literal["finance_group", "quality_group"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MeetingRule(Strict):
    """A meeting of ``body`` must be held for the step; with ``vote`` its decision must pass by ``majority``.

    Attendance is counted by the meetings service against the body's quorum (``[bodies.quorum]``);
    ``quorum`` here sets a stricter or looser share for this step's meetings only (answered through the
    ``meetings.quorum_met`` decision hook).
    """

    body: MeetingBody
    vote: bool = True
    majority: Literal["simple", "two_thirds"] = "simple"
    quorum: Decimal | None = Field(default=None, gt=0, le=1, max_digits=4, decimal_places=3)


class StepSpec(Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    name: str = Field(min_length=1, max_length=50)
    # "implementation" ends with the works completed; "settlement" with the accounts settled (报账).
    kind: Literal["procedure", "implementation", "settlement"] = "procedure"
    # 形成材料: evidence files attached to the step under these categories.
    documents: list[str] = Field(default_factory=list)
    # Roles that may complete the step (checked on the project's village and its township).
    roles: list[str] = Field(min_length=1)
    meeting: MeetingRule | None = None
    elect: list[ElectedGroup] = Field(default_factory=list)
    # A 公示 posted for the step whose posting period must have ended.
    notice_min_days: int | None = Field(default=None, ge=1, le=90)
    # A township review that must have approved the plan.
    review: Literal["pre_review", "approval"] | None = None
    # Where a review that requests changes sends the plan back (a step code before this one).
    returns_to: str | None = None
    deadline_days: int | None = Field(default=None, ge=1, le=366)

    @model_validator(mode="after")
    def _documents_unique(self) -> StepSpec:
        if len(set(self.documents)) != len(self.documents):
            raise ValueError(_("材料不能重复"))
        return self


class Criterion(Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    name: str = Field(min_length=1, max_length=50)
    weight: Decimal = Field(gt=0, max_digits=6, decimal_places=3)
    max_score: Decimal = Field(default=Decimal(100), gt=0, max_digits=6, decimal_places=2)


class ScoringPolicy(Strict):
    """三步量分法 (seed 001 names it, its appendix is missing): each scorer scores every criterion (step 1),
    a sheet's weighted score is Σ weight × score / Σ weight (step 2), a proposal's total is the mean over
    the sheets that count (step 3). ``missing``: a sheet lacking a criterion is left out ("exclude") or
    counts that criterion as 0 ("zero"); either way the gap is shown.
    """

    criteria: list[Criterion] = Field(min_length=1)
    missing: Literal["exclude", "zero"] = "exclude"
    shortlist_size: int = Field(default=5, ge=1, le=100)

    @model_validator(mode="after")
    def _codes_unique(self) -> ScoringPolicy:
        codes = [c.code for c in self.criteria]
        if len(set(codes)) != len(codes):
            raise ValueError(_("评分项代码不能重复"))
        return self


class MonthlyDisclosurePolicy(Strict):
    """Fund use and progress of month M are posted by ``day_of_month`` of month M+1."""

    day_of_month: int = Field(default=5, ge=1, le=28)
    reminder_lead_days: int = Field(default=3, ge=0, le=27)
    min_days: int = Field(default=7, ge=1, le=90)


def _step(code: str, name: str, roles: list[str], **more) -> StepSpec:
    return StepSpec(code=code, name=name, roles=roles, **more)


VILLAGE = ["village_secretary", "committee_member"]
TOWNSHIP = ["township_official"]


def dashu_steps() -> list[StepSpec]:
    """大树镇's procedure; the documents are the seed's 形成材料, verbatim."""
    return [
        _step(
            "collect",
            "社收集、村整理",
            VILLAGE,
            documents=[
                "项目征求意见表",
                "拟实施项目意见收集汇总表(以社为单位)",
                "会议签到册",
                "会议纪要",
                "现状分析自查表",
                "初选项目表",
                "会议记录",
            ],
            meeting=MeetingRule(body="villagers_council"),
            deadline_days=60,
        ),
        _step(
            "propose",
            "“两委”提议",
            VILLAGE,
            documents=["会议签到册", "会议记录", "项目初步实施方案"],
            meeting=MeetingRule(body="villagers_committee"),
            deadline_days=30,
        ),
        _step(
            "pre_review", "乡(镇)初审", TOWNSHIP, review="pre_review", returns_to="propose", deadline_days=15
        ),
        _step(
            "resolve",
            "村民决议",
            VILLAGE,
            documents=[
                "项目实施方案",
                "会议签到册",
                "“理财小组”、“质量监督小组”人员构成和选举办法",
                "“理财小组”、“质量监督小组”名单",
            ],
            meeting=MeetingRule(body="assembly"),
            elect=["finance_group", "quality_group"],
            deadline_days=30,
        ),
        _step(
            "publicize",
            "张榜公示",
            VILLAGE,
            documents=["公示表", "公示照片"],
            notice_min_days=7,
            deadline_days=20,
        ),
        _step(
            "approve",
            "审批备案",
            TOWNSHIP,
            documents=["上报方案实施意见", "镇政府审批意见"],
            review="approval",
            returns_to="resolve",
            deadline_days=15,
        ),
        _step(
            "implement",
            "项目实施",
            VILLAGE,
            kind="implementation",
            documents=["影像资料", "岗位管理责任书", "考核办法", "竞岗公告"],
        ),
        _step("settle", "报账", VILLAGE, kind="settlement"),
    ]


def default_criteria() -> list[Criterion]:
    return [
        Criterion(code="need", name="群众需求迫切程度", weight=Decimal("0.4")),
        Criterion(code="benefit", name="受益范围", weight=Decimal("0.3")),
        Criterion(code="feasibility", name="实施可行性与资金匹配", weight=Decimal("0.3")),
    ]


class ProjectsParameters(Strict):
    steps: list[StepSpec] = Field(default_factory=dashu_steps, min_length=1)
    scoring: ScoringPolicy = Field(default_factory=lambda: ScoringPolicy(criteria=default_criteria()))
    settlement_days: int = Field(default=7, ge=1, le=90)
    # 对项目实施前现状拍摄照片(800万像素): the least resolution of a place's "before" photo, 0 for any.
    before_photo_megapixels: Decimal = Field(default=Decimal(8), ge=0, le=100, max_digits=5, decimal_places=2)
    monthly_disclosure: MonthlyDisclosurePolicy = Field(default_factory=MonthlyDisclosurePolicy)
    # Roles that may complete a step whose gate is not met, with a reason (audited).
    override_roles: list[str] = Field(default_factory=lambda: ["township_official"], min_length=1)

    @model_validator(mode="after")
    def _coherent(self) -> ProjectsParameters:
        codes = [s.code for s in self.steps]
        if len(set(codes)) != len(codes):
            raise ValueError(_("步骤代码不能重复"))
        for index, step in enumerate(self.steps):
            if step.returns_to is not None and step.returns_to not in codes[:index]:
                raise ValueError(_("步骤 %s: returns_to 须为其前面的步骤") % step.code)
        kinds = [s.kind for s in self.steps]
        for kind in ("implementation", "settlement"):
            if kinds.count(kind) > 1:
                raise ValueError(_("%s 步骤至多一个") % kind)
        if "settlement" in kinds and (
            "implementation" not in kinds or kinds.index("settlement") < kinds.index("implementation")
        ):
            raise ValueError(_("结算步骤 (settlement) 须在实施步骤 (implementation) 之后"))
        return self

    def step(self, code: str) -> StepSpec:
        return next(s for s in self.steps if s.code == code)
