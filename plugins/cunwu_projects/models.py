"""Models of the 项目流程 plugin: proposals and their scoring, projects and the steps they go through.

A project keeps the procedure it started under (``procedure``, a snapshot of the policy version then in
force): a later change of the county's pack never changes the rules of a running project. Meetings,
decisions, notices and evidence files belong to the core trust services; a step refers to them by id
(``StepRecord``) and they refer back to it as their ``subject``/``target``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cunwu.orgs.models import OrgUnit
from cunwu_projects.params import CATEGORIES, ProjectsParameters

CATEGORY_CHOICES = list(CATEGORIES.items())
MONEY = {"max_digits": 14, "decimal_places": 2}


class SelfAssessment(models.Model):
    """现状分析自查表: the village's own account of its public services against what villagers need."""

    village = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("村/社区")
    )
    year = models.PositiveIntegerField(_("年度"))
    summary = models.TextField(_("现状概述"))
    # [{"area": "道路", "state": "…", "need": "…"}]
    items = models.JSONField(_("自查事项"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("现状分析自查表")
        verbose_name_plural = _("现状分析自查表")
        ordering = ["-year", "village__path"]

    def __str__(self) -> str:
        return f"{self.village} {self.year}"


class SelectionRound(models.Model):
    """One round of collecting and scoring proposals in a village, ending in the 初选项目表 (shortlist)."""

    class Status(models.TextChoices):
        OPEN = "open", _("征集评分中")
        CLOSED = "closed", _("已形成初选项目表")

    village = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("村/社区")
    )
    year = models.PositiveIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # The scoring rules in force when the round opened (criteria, weights, missing-score rule, size).
    scoring = models.JSONField(_("评分规则"))
    policy_version = models.PositiveIntegerField(_("政策版本"), null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("项目征集轮次")
        verbose_name_plural = _("项目征集轮次")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class Proposal(models.Model):
    """A proposal collected from a villager group (社收集)."""

    round = models.ForeignKey(SelectionRound, on_delete=models.PROTECT, related_name="proposals")
    group = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("村民小组"))
    title = models.CharField(_("项目名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=20, choices=CATEGORY_CHOICES)
    location = models.CharField(_("地点"), max_length=200)
    estimated_budget = models.DecimalField(_("预算(元)"), **MONEY)
    description = models.TextField(_("内容与实施方法"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the round closes: the rank reached and whether it made the 初选项目表.
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    shortlisted = models.BooleanField(_("入选初选项目表"), default=False)

    class Meta:
        verbose_name = _("项目建议")
        verbose_name_plural = _("项目建议")
        ordering = ["round", "id"]

    def __str__(self) -> str:
        return self.title


class Score(models.Model):
    """One line of a scorer's sheet: one criterion of one proposal."""

    round = models.ForeignKey(SelectionRound, on_delete=models.CASCADE, related_name="scores")
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(_("评分项"), max_length=40)
    value = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [
            models.UniqueConstraint(
                fields=["scorer", "proposal", "criterion"], name="one_score_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}:{self.criterion}={self.value}"


class Project(models.Model):
    """A village public-service project, carried through the procedure it started under."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("筹备中")
        IMPLEMENTING = "implementing", _("实施中")
        COMPLETED = "completed", _("已完工待报账")
        SETTLED = "settled", _("已报账")

    village = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("村/社区")
    )
    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="project"
    )
    title = models.CharField(_("项目名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=20, choices=CATEGORY_CHOICES)
    location = models.CharField(_("地点"), max_length=200)
    budget = models.DecimalField(_("预算(元)"), **MONEY)
    year = models.PositiveIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=15, choices=Status.choices, default=Status.PREPARING)
    policy_version = models.PositiveIntegerField(_("政策版本"), null=True)
    procedure = models.JSONField(_("程序(启动时政策快照)"))
    current_step = models.ForeignKey(
        "ProjectStep", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    progress_percent = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    completed_on = models.DateField(_("完工日期"), null=True, blank=True)
    settled_on = models.DateField(_("报账日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def org_path(self) -> str:
        """Where audit entries about the project are filed (the lead village)."""
        return self.village.path

    @property
    def scope(self) -> str:
        """How bodies and role assignments that exist for this project name it (``orgs.Body.scope_object``)."""
        return f"cunwu_projects.project:{self.pk}"

    @property
    def rules(self) -> ProjectsParameters:
        return ProjectsParameters.model_validate(self.procedure)

    @property
    def settlement_due(self) -> dt.date | None:
        if self.completed_on is None:
            return None
        return self.completed_on + dt.timedelta(days=self.rules.settlement_days)

    def settlement_late(self, today: dt.date) -> bool:
        due = self.settlement_due
        if due is None:
            return False
        return (self.settled_on or today) > due


class ProjectStep(models.Model):
    """One pass of a project through one step of its procedure.

    A plan sent back by a township review starts a new ``attempt`` of the steps from the one it returns
    to; earlier attempts stay, with their documents and decisions, as the plan's history.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("未开始")
        ACTIVE = "active", _("进行中")
        DONE = "done", _("已完成")
        OVERRIDDEN = "overridden", _("已越过(有理由)")
        RETURNED = "returned", _("已退回修改")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("序号"))
    attempt = models.PositiveSmallIntegerField(_("轮次"), default=1)
    code = models.CharField(_("代码"), max_length=40)
    name = models.CharField(_("步骤"), max_length=50)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.WAITING)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    due_on = models.DateField(_("期限"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # For an overridden step: why, and what was missing then.
    override_reason = models.TextField(_("越过理由"), blank=True)
    missing_at_override = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("项目步骤")
        verbose_name_plural = _("项目步骤")
        ordering = ["project", "attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "position", "attempt"], name="one_step_per_attempt")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.name}"

    @property
    def org_path(self) -> str:
        return self.project.village.path

    @property
    def village(self) -> OrgUnit:
        """The org unit evidence and audit entries of this step are filed under."""
        return self.project.village

    @property
    def spec(self):
        return self.project.rules.step(self.code)

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == self.Status.ACTIVE and self.due_on is not None and today > self.due_on


class StepRecord(models.Model):
    """A meeting, decision, notice or review kept for a step (ids of core trust-service rows)."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("会议")
        ELECTION = "election", _("选举")
        NOTICE = "notice", _("公示")
        REVIEW = "review", _("审查")

    step = models.ForeignKey(ProjectStep, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    meeting_id = models.BigIntegerField(null=True, blank=True)
    decision_id = models.BigIntegerField(null=True, blank=True)
    notice_id = models.BigIntegerField(null=True, blank=True)
    body_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.step} · {self.get_kind_display()}"


class Review(models.Model):
    """A township pre-review or approval of the plan; requested changes send the plan back."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("同意")
        CHANGES = "changes_requested", _("退回修改")

    step = models.ForeignKey(ProjectStep, on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField(
        _("审查类型"), max_length=12, choices=[("pre_review", _("初审")), ("approval", _("审批"))]
    )
    outcome = models.CharField(_("结论"), max_length=20, choices=Outcome.choices)
    opinion = models.TextField(_("意见"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("乡镇审查")
        verbose_name_plural = _("乡镇审查")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}:{self.get_outcome_display()}"


class ProjectShare(models.Model):
    """A village's share of a project built jointly by neighbouring villages (共建共享)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="shares")
    village = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("村/社区")
    )
    percent = models.DecimalField(_("份额(%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("共建份额")
        verbose_name_plural = _("共建份额")
        constraints = [models.UniqueConstraint(fields=["project", "village"], name="one_share_per_village")]

    def __str__(self) -> str:
        return f"{self.village} {self.percent}%"


class Expense(models.Model):
    """Money spent on a project; the monthly disclosure adds these up."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="expenses")
    spent_on = models.DateField(_("日期"))
    item = models.CharField(_("用途"), max_length=200)
    amount = models.DecimalField(_("金额(元)"), **MONEY)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("支出")
        verbose_name_plural = _("支出")
        ordering = ["spent_on", "id"]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.item} {self.amount}"


class MonthlyDisclosure(models.Model):
    """The 公示 of one month's fund use and progress, with the figures it was generated from."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="disclosures")
    month = models.DateField(_("月份"))  # first day of the month disclosed
    spent_in_month = models.DecimalField(_("本月支出"), **MONEY)
    spent_total = models.DecimalField(_("累计支出"), **MONEY)
    progress_percent = models.PositiveSmallIntegerField(_("进度(%)"))
    notice_id = models.BigIntegerField()
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("月度公示")
        verbose_name_plural = _("月度公示")
        ordering = ["project", "month"]
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="one_disclosure_per_month")]

    def __str__(self) -> str:
        return f"{self.project} {self.month:%Y-%m}"


class PhotoPoint(models.Model):
    """A place on the site photographed before, during and after the works (photos are evidence files)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photo_points")
    place = models.CharField(_("拍摄位置"), max_length=100)

    class Meta:
        verbose_name = _("拍摄点")
        verbose_name_plural = _("拍摄点")
        constraints = [models.UniqueConstraint(fields=["project", "place"], name="one_point_per_place")]

    def __str__(self) -> str:
        return self.place

    @property
    def village(self) -> OrgUnit:
        return self.project.village


class ProjectPost(models.Model):
    """A post the project needs (定岗定职定酬), handed over to position hiring where that is on."""

    class Status(models.TextChoices):
        AWAITING = "awaiting hiring", _("待竞岗")
        HANDED_OVER = "handed over", _("已移交竞岗")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="posts")
    title = models.CharField(_("岗位"), max_length=100)
    duties = models.TextField(_("职责"))
    monthly_pay = models.DecimalField(_("岗位工资(元/月)"), **MONEY)
    openings = models.PositiveSmallIntegerField(_("人数"), default=1)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.AWAITING)
    # What the hiring plugin answered when it took the post over (its reference), kept as given.
    handover = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("项目岗位")
        verbose_name_plural = _("项目岗位")

    def __str__(self) -> str:
        return self.title


class Alert(models.Model):
    """A deadline the periodic check found: disclosure due or overdue, settlement late (escalated)."""

    class Kind(models.TextChoices):
        DISCLOSURE_DUE = "disclosure_due", _("月度公示即将到期")
        DISCLOSURE_OVERDUE = "disclosure_overdue", _("月度公示逾期")
        SETTLEMENT_LATE = "settlement_late", _("报账逾期(已上报乡镇)")
        STEP_OVERDUE = "step_overdue", _("步骤逾期")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    # What the alert is about: a month ("2026-03"), a step code, "settlement".
    period = models.CharField(max_length=40)
    message = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "period"], name="one_alert_per_period")
        ]

    def __str__(self) -> str:
        return self.message
