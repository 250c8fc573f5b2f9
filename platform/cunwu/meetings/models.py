"""Meetings of a body: 签到册 (attendance), minutes and decisions with vote counts.

Every module that needs a decision (a project's 村民决议, a points rule change…) holds one here and
points at it through ``subject`` (a generic reference to the object the meeting or decision is about).
State changes go through :mod:`cunwu.meetings.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunwu.orgs.models import Body, Resident


class Meeting(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("机构"))
    # Denormalised from body.org_unit.path: role scoping and the audit trail filter on it without joins.
    org_path = models.CharField(max_length=200, db_index=True, editable=False)
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=200)
    agenda = models.TextField(_("议题"))
    subject_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("关联对象类型"),
    )
    subject_id = models.PositiveBigIntegerField(_("关联对象ID"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    minutes = models.TextField(_("会议记录"), blank=True)
    minutes_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    minutes_recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.body} {self.held_on:%Y-%m-%d}"

    @property
    def quorum_met(self) -> bool:
        from cunwu.meetings.quorum import quorum_status

        return quorum_status(self).met


class Attendance(models.Model):
    """One line of the 签到册. Only a current member of the body on the meeting day votes (``voting``)."""

    class Via(models.TextChoices):
        PAPER = "paper", _("纸质签到")
        ON_SITE = "on-site", _("现场登记")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendances")
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("参会人")
    )
    voting = models.BooleanField(_("表决成员"), editable=False)
    via = models.CharField(_("签到方式"), max_length=10, choices=Via.choices, default=Via.ON_SITE)
    signed_at = models.DateTimeField(_("签到时间"), default=timezone.now)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到册")
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "resident"], name="one_attendance_per_resident")
        ]

    def __str__(self) -> str:
        return f"{self.resident} @ {self.meeting}"


class Decision(models.Model):
    """A vote taken at a meeting. ``present`` is the number of voting members present when it was taken."""

    class Majority(models.TextChoices):
        SIMPLE = "simple", _("过半数")
        TWO_THIRDS = "two_thirds", _("三分之二以上")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    title = models.CharField(_("表决事项"), max_length=200)
    votes_for = models.PositiveIntegerField(_("赞成"))
    votes_against = models.PositiveIntegerField(_("反对"))
    abstentions = models.PositiveIntegerField(_("弃权"))
    present = models.PositiveIntegerField(_("到会表决成员"), editable=False)
    majority = models.CharField(
        _("通过规则"), max_length=12, choices=Majority.choices, default=Majority.SIMPLE
    )
    subject_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("关联对象类型"),
    )
    subject_id = models.PositiveBigIntegerField(_("关联对象ID"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = _("决议")
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    votes_for__lte=models.F("present") - models.F("votes_against") - models.F("abstentions")
                ),
                name="votes_within_attendance",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def org_path(self) -> str:
        return self.meeting.org_path

    @property
    def passed(self) -> bool:
        """Simple majority: more than half of the voting members present; two-thirds: at least 2/3."""
        if self.majority == self.Majority.TWO_THIRDS:
            return 3 * self.votes_for >= 2 * self.present
        return 2 * self.votes_for > self.present
