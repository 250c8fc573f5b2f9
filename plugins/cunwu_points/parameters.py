"""The 积分制 policy parameters of a county (``[plugins.points]`` in a policy pack).

Everything a county or a village decides for itself is here, validated: who holds the passbook, the
评分条例 (rules table) and village overrides, list sizes, the redemption schedule, the reporting calendar
and the honours rules. Unknown keys are refused so that a misspelt key refuses the whole pack.

Validators' messages are gettext strings translated when the pack is validated, so a refusal is in the
request's language (``cunwu.policy.messages`` shows a validator's ``ValueError`` as raised).
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

Period = Literal["day", "week", "month", "quarter", "year"]
MONTH_DAY = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RuleSpec(Strict):
    """One line of the 评分条例: a behaviour and the points it earns (positive) or costs (negative)."""

    code: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    behaviour: str = Field(min_length=1, max_length=200)
    points: Decimal = Field(max_digits=8, decimal_places=2)
    category: str = Field(default="", max_length=50)
    evidence_required: bool = False
    # At most this many events of the rule per holder per `limit_period` (None = no limit).
    limit_per_period: int | None = Field(default=None, ge=1)
    limit_period: Period = "year"

    @field_validator("points")
    @classmethod
    def _not_zero(cls, value: Decimal) -> Decimal:
        if value == 0:
            raise ValueError(_("分值不能为 0"))
        return value


def _unique_codes(rules: list[RuleSpec]) -> list[RuleSpec]:
    codes = [rule.code for rule in rules]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ValueError(_("规则代码重复: %s") % ", ".join(duplicates))
    return rules


RuleTable = Annotated[list[RuleSpec], AfterValidator(_unique_codes)]


class VillageOverride(Strict):
    """A village's own rules (村级执行组 may revise the table): added or replaced by code, or switched off."""

    village: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    rules: RuleTable = Field(default_factory=list)
    disabled_rules: list[str] = Field(default_factory=list)
    list_size: int | None = Field(default=None, ge=1, le=100)


class RedemptionSchedule(Strict):
    """Fixed redemption days (固定日期集中兑换).

    During the first ``pilot_months`` after ``pilot_start`` redemption is monthly on ``pilot_day``; after
    that on ``days_of_month`` of ``months`` (empty = every month). A day past a month's end means its last day.
    """

    pilot_start: dt.date | None = None
    pilot_months: int = Field(default=3, ge=0, le=24)
    pilot_day: int = Field(default=28, ge=1, le=31)
    days_of_month: list[int] = Field(default_factory=lambda: [28])
    months: list[int] = Field(default_factory=list)

    @field_validator("days_of_month")
    @classmethod
    def _days(cls, value: list[int]) -> list[int]:
        if not value or any(not 1 <= day <= 31 for day in value):
            raise ValueError(_("兑换日须为 1–31 之间的日期, 至少一个"))
        return sorted(set(value))

    @field_validator("months")
    @classmethod
    def _months(cls, value: list[int]) -> list[int]:
        if any(not 1 <= month <= 12 for month in value):
            raise ValueError(_("月份须为 1–12"))
        return sorted(set(value))

    def _pilot_end(self) -> dt.date | None:
        if self.pilot_start is None:
            return None
        month_index = self.pilot_start.month - 1 + self.pilot_months
        year, month = self.pilot_start.year + month_index // 12, month_index % 12 + 1
        day = min(self.pilot_start.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day)

    @staticmethod
    def _clamped(day: dt.date, wanted: int) -> bool:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(wanted, last)

    @cached_property
    def _answers(self) -> dict[dt.date, bool]:
        """Each day's answer, kept: validated parameters are cached per county and never changed.

        A cached property rather than a pydantic private attribute, which is reached only after a
        failed attribute look-up (an AttributeError raised and caught on every redemption).
        """
        return {}

    def is_redemption_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a redemption day; asked on every redemption, so answered once per day."""
        answer = self._answers.get(day)
        if answer is None:
            answer = self._answers[day] = self._decide(day)
        return answer

    def _decide(self, day: dt.date) -> bool:
        pilot_end = self._pilot_end()
        if self.pilot_start is not None and self.pilot_start <= day < pilot_end:
            return self._clamped(day, self.pilot_day)
        if self.months and day.month not in self.months:
            return False
        return any(self._clamped(day, wanted) for wanted in self.days_of_month)

    def next_redemption_day(self, after: dt.date, horizon_days: int = 400) -> dt.date | None:
        """The first redemption day on or after ``after`` (for the "come back on …" message)."""
        for offset in range(horizon_days):
            day = after + dt.timedelta(days=offset)
            if self.is_redemption_day(day):
                return day
        return None


class ReportingItem(Strict):
    """A report due to the level above (昌江县: 5月中旬 plan, 6月底 progress, 9月底 review, 12月底 summary)."""

    code: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    title: str = Field(min_length=1, max_length=100)
    due: str = Field(pattern=MONTH_DAY, description="MM-DD")
    remind_days_before: int = Field(default=14, ge=0, le=120)

    def due_in(self, year: int) -> dt.date:
        month, day = (int(part) for part in self.due.split("-"))
        return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


class HonourRule(Strict):
    """Who is a candidate for an honour (星级党员, 文明户, 孝道家庭, 道德模范) in a year."""

    code: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    name: str = Field(min_length=1, max_length=50)
    min_score: Decimal = Field(default=Decimal("0"), max_digits=8, decimal_places=2)
    party_member_only: bool = False
    # No penalty event in the year (a single 扣分 disqualifies).
    no_penalties: bool = False
    # At most this many candidates, best scores first (ties at the cut-off included); None = all.
    top_n: int | None = Field(default=None, ge=1)
    # Only events of these rule categories count towards this honour's score (empty = all).
    categories: list[str] = Field(default_factory=list)


def _default_calendar() -> list[ReportingItem]:
    return [
        ReportingItem(code="plan", title="制定实施方案", due="05-15"),
        ReportingItem(code="progress", title="上报活动进展情况", due="06-30"),
        ReportingItem(code="review", title="梳理总结推进做法、成效和困难问题", due="09-30"),
        ReportingItem(code="summary", title="报送年度总结", due="12-31"),
    ]


class PointsParameters(Strict):
    """``[plugins.points]``."""

    passbook_holder: Literal["resident", "household"] = "household"
    rules: RuleTable = Field(default_factory=list)
    village_overrides: list[VillageOverride] = Field(default_factory=list)
    # Size of the quarterly red and black lists (每季度正积分前10名红榜, 负积分前10名黑榜).
    list_size: int = Field(default=10, ge=1, le=100)
    mask_names: bool = True
    # How long the quarterly lists and rule changes stay posted (公示 days).
    notice_days: int = Field(default=7, ge=1, le=90)
    # The points year ends on this day (积分不跨年); the close task opens the next year at zero.
    year_close: str = Field(default="12-31", pattern=MONTH_DAY)
    redemption: RedemptionSchedule = Field(default_factory=RedemptionSchedule)
    reporting_calendar: list[ReportingItem] = Field(default_factory=_default_calendar)
    honours: list[HonourRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _overrides_once_per_village(self) -> PointsParameters:
        villages = [override.village for override in self.village_overrides]
        if len(villages) != len(set(villages)):
            raise ValueError(_("每个村只能有一组覆盖规则"))
        return self

    def override_for(self, village_code: str) -> VillageOverride | None:
        return next((o for o in self.village_overrides if o.village == village_code), None)

    def list_size_for(self, village_code: str) -> int:
        override = self.override_for(village_code)
        return override.list_size if override and override.list_size else self.list_size
