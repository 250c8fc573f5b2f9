"""REST API of the current county's plugin enablement and policy history (read-only, county admins).

Both live in the public schema; every queryset is filtered to ``request.tenant`` so one county never
sees another's policy.
"""

from __future__ import annotations

from rest_framework import serializers, viewsets

from cunwu.plugins.host import installed_plugins
from cunwu.roles.permissions import RolePermission
from cunwu.tenancy.models import PluginEnablement, PolicyVersion

COUNTY_ADMIN = RolePermission.for_roles("county_admin")


class PluginEnablementSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = PluginEnablement
        fields = ["id", "plugin", "name", "enabled", "parameters", "updated_at"]

    def get_name(self, enablement: PluginEnablement) -> str:
        info = installed_plugins().get(enablement.plugin)
        return info.name if info else enablement.plugin


class PluginEnablementViewSet(viewsets.ReadOnlyModelViewSet):
    """The plugins of this county, on or off, with their validated parameters."""

    queryset = PluginEnablement.objects.none()  # for the schema; requests use get_queryset
    serializer_class = PluginEnablementSerializer
    permission_classes = [COUNTY_ADMIN]
    filterset_fields = ["enabled"]
    ordering_fields = ["plugin"]

    def get_queryset(self):
        return PluginEnablement.objects.filter(county=self.request.tenant).order_by("plugin")


class PolicyVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyVersion
        fields = [
            "id",
            "number",
            "effective_from",
            "note",
            "pack",
            "source_sha256",
            "created_at",
            "created_by",
        ]


class PolicyVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Every version of this county's policy pack, newest first (the history stays visible)."""

    queryset = PolicyVersion.objects.none()  # for the schema; requests use get_queryset
    serializer_class = PolicyVersionSerializer
    permission_classes = [COUNTY_ADMIN]
    ordering_fields = ["number", "effective_from"]

    def get_queryset(self):
        return PolicyVersion.objects.filter(county=self.request.tenant).order_by("-number")
