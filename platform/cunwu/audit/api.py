"""REST endpoint of the audit log: read-only, the same filters as the page, and an .xlsx export."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request

from cunwu.audit.exports import EXPORT_LIMIT, audit_workbook
from cunwu.audit.filters import AuditEntryFilter
from cunwu.audit.models import AuditEntry
from cunwu.audit.selectors import READER_ROLES, visible_entries
from cunwu.exports import XLSX_CONTENT_TYPE, xlsx_response
from cunwu.roles.permissions import RolePermission


class AuditEntrySerializer(serializers.ModelSerializer):
    target_type = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "id", "created_at", "actor_id", "actor_name", "action", "target_type", "target_id",
            "target_repr", "org_path", "changed_fields", "before", "after", "reason", "ip_address", "user_agent",
        ]  # fmt: skip

    def get_target_type(self, entry: AuditEntry) -> str:
        target_type = entry.target_type
        return f"{target_type.app_label}.{target_type.model}" if target_type else ""


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """操作日志 (county admins: everything; 村务监督委员会 members: their village)."""

    serializer_class = AuditEntrySerializer
    permission_classes = [RolePermission.for_roles(*READER_ROLES)]
    filterset_class = AuditEntryFilter
    search_fields = ["actor_name", "action", "target_repr", "reason"]
    ordering_fields = ["created_at", "action", "actor_name"]

    def get_queryset(self):
        return visible_entries(self.request.user)

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=False, url_path="export")
    def export(self, request: Request):
        entries = self.filter_queryset(self.get_queryset())[:EXPORT_LIMIT]
        return xlsx_response(audit_workbook(entries), f"audit-{timezone.localdate():%Y%m%d}.xlsx")
