"""公示 notices: dated public postings that nobody can change once posted.

A notice is written once, with the SHA-256 of its canonical content (:mod:`cunwu.disclosure.hashing`).
The database refuses UPDATE and DELETE of notices (trigger in migration 0002): a correction is a new
notice that ``supersedes`` the old one, and the old one stays readable, marked as corrected.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunwu.disclosure.errors import NoticeImmutable
from cunwu.orgs.models import OrgUnit


class NoticeQuerySet(models.QuerySet):
    def current(self, now: dt.datetime | None = None) -> NoticeQuerySet:
        """Notices being posted right now (started, not ended, not corrected)."""
        now = now or timezone.now()
        return self.filter(starts_at__lte=now, ends_at__gt=now, superseded_by__isnull=True)

    def ended(self, now: dt.datetime | None = None) -> NoticeQuerySet:
        return self.filter(ends_at__lte=now or timezone.now())


class Notice(models.Model):
    # The public token: the public URL carries it instead of the sequential id.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="notices", verbose_name=_("单位")
    )
    # What the notice is about, chosen by the module posting it (``project_plan``, ``points_ranking``…).
    kind = models.CharField(_("类别"), max_length=50, blank=True, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    starts_at = models.DateTimeField(_("公示开始"))
    min_days = models.PositiveSmallIntegerField(_("公示天数"))
    # Derived from starts_at and min_days at posting: midnight after the last day of the period.
    ends_at = models.DateTimeField(_("公示结束"), db_index=True)
    content_hash = models.CharField(_("内容哈希(SHA-256)"), max_length=64)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人")
    )
    posted_at = models.DateTimeField(_("发布时间"))
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("更正的公示"),
    )
    correction_reason = models.CharField(_("更正原因"), max_length=500, blank=True)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise NoticeImmutable(_("公示发布后不能修改,请发布更正公示。"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("disclosure:detail", kwargs={"pk": self.pk})

    def delete(self, *args, **kwargs):
        raise NoticeImmutable(_("公示发布后不能删除,请发布更正公示。"))

    @property
    def last_day(self) -> dt.date:
        """The last calendar day of the posting period (local time)."""
        return timezone.localdate(self.ends_at) - dt.timedelta(days=1)

    @property
    def first_day(self) -> dt.date:
        return timezone.localdate(self.starts_at)

    @property
    def period_ended(self) -> bool:
        return timezone.now() >= self.ends_at

    @property
    def period_started(self) -> bool:
        return timezone.now() >= self.starts_at

    @property
    def is_superseded(self) -> bool:
        return Notice.objects.filter(supersedes_id=self.pk).exists()

    def latest_version(self) -> Notice:
        """This notice, or the newest correction in its chain (read from the database, never cached)."""
        notice = self
        while (newer := Notice.objects.filter(supersedes_id=notice.pk).first()) is not None:
            notice = newer
        return notice

    def get_public_url(self) -> str:
        """Path of the public page (readable without an account); the QR code carries its absolute form."""
        return reverse("disclosure:public_detail", kwargs={"token": self.uuid})
