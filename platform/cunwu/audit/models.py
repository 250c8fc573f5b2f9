"""The audit trail: one append-only row per change made by a person.

Rows are never updated or deleted by the application: a database trigger (migration 0002) refuses
UPDATE, DELETE and TRUNCATE, except deletions made by the SQL function ``audit_purge`` of rows older
than the retention period, which may not be shorter than 180 days (网络安全法 第二十一条: logs are
kept at least six months). The actor is denormalised (id and display name, no foreign key) so an entry
outlives the account that made the change.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("操作人"), max_length=150)
    action = models.CharField(_("操作"), max_length=100)
    # PROTECT: a content type referenced by the trail cannot be deleted through Django. Not a database
    # constraint: its check, a look-up that locks the content type's row, ran for every audited change
    # (5% of a redemption's work on the server, for the audit row of its posting: callgrind); the row
    # names its target in ``target_repr`` too, and content types are only ever added.
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("对象类型"),
        db_index=False,  # the (target_type, target_id) index serves it
        db_constraint=False,
    )
    target_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    target_repr = models.CharField(_("对象"), max_length=200, blank=True)
    # The org unit path of the target ("east/hongyang"), so a village's supervisors see their village.
    org_path = models.CharField(_("所属组织"), max_length=200, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("变更后"), null=True, blank=True, encoder=DjangoJSONEncoder)
    changed_fields = ArrayField(
        models.CharField(max_length=100), default=list, blank=True, verbose_name=_("变更字段")
    )
    reason = models.TextField(_("理由"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-id"]
        # Every audited change pays for each index, so only those a query uses: ``action`` is searched
        # by icontains, which no B-tree serves; ``org_path`` is matched exactly or by prefix (the
        # reader's subtree), which one pattern-ops B-tree serves alone.
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["org_path"], name="audit_entry_org_path", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"
