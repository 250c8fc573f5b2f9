"""Role assignments: who holds which role, on which part of the county's organisation tree, and when.

A role is granted on an org unit and covers its subtree (a township official of 东镇 acts on every village
and group of 东镇); ``org_unit = None`` means the whole county. ``scope_object`` narrows a role to one
object ("projects.project:12" for the 理财小组 of one project). Assignments are never deleted: revoking
sets ``valid_until`` so the history of who could do what stays auditable.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, at: datetime | None = None) -> RoleAssignmentQuerySet:
        """Assignments in force at ``at`` (now by default): started, and not yet ended."""
        moment = at or timezone.now()
        return self.filter(valid_from__lte=moment).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=moment)
        )


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("用户"),
    )
    role = models.CharField(_("角色"), max_length=50)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("范围(空为全县)"),
    )
    scope_object = models.CharField(_("限定对象"), max_length=100, blank=True, default="")
    valid_from = models.DateTimeField(_("生效时间"), default=timezone.now)
    valid_until = models.DateTimeField(_("失效时间"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("授予人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授予")
        verbose_name_plural = _("角色授予")
        ordering = ["user_id", "role", "valid_from"]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        where = self.org_unit.name if self.org_unit_id else _("全县")
        return f"{self.user} · {self.role} @ {where}"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.valid_from <= now and (self.valid_until is None or self.valid_until > now)
