"""REST API of roles: the county's role catalogue, and role assignments (granted/revoked by county admins)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from cunwu.orgs.models import OrgUnit
from cunwu.roles import services
from cunwu.roles.catalogue import roles_for
from cunwu.roles.models import RoleAssignment
from cunwu.roles.permissions import has_role, scope_q


class RoleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    scope = serializers.CharField()
    core = serializers.BooleanField()


class RoleAssignmentSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())
    org_unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), allow_null=True, required=False
    )
    username = serializers.CharField(source="user.username", read_only=True)
    role_name = serializers.SerializerMethodField()
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = RoleAssignment
        fields = [
            "id",
            "user",
            "username",
            "role",
            "role_name",
            "org_unit",
            "scope_object",
            "valid_from",
            "valid_until",
            "is_active",
        ]
        read_only_fields = ["valid_from", "valid_until"]

    def get_role_name(self, assignment: RoleAssignment) -> str:
        role = self.context.setdefault("roles", roles_for()).get(assignment.role)
        return str(role.name) if role else assignment.role

    def validate_role(self, value: str) -> str:
        if value not in roles_for():
            raise serializers.ValidationError(_("未知角色"))
        return value


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class RoleAssignmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Who holds which role where. Everyone sees their own; township officials those in their township;
    county admins all, and only they grant and revoke."""

    queryset = RoleAssignment.objects.none()  # for the schema; requests use get_queryset
    serializer_class = RoleAssignmentSerializer
    filterset_fields = ["user", "role", "org_unit"]
    ordering_fields = ["valid_from", "role"]

    def get_queryset(self):
        user = self.request.user
        in_scope = scope_q(user, "township_official", path_field="org_unit__path")
        if not has_role(user, "county_admin"):
            in_scope &= Q(org_unit__isnull=False)
        return RoleAssignment.objects.filter(Q(user=user) | in_scope).select_related("user", "org_unit")

    def _require_admin(self) -> None:
        if not has_role(self.request.user, "county_admin"):
            raise PermissionDenied(_("只有县级管理员可以授予或撤销角色"))

    def perform_create(self, serializer):
        self._require_admin()
        data = serializer.validated_data
        try:
            serializer.instance = services.grant(
                data["user"],
                data["role"],
                org_unit=data.get("org_unit"),
                scope_object=data.get("scope_object", ""),
                actor=self.request.user,
            )
        except DjangoValidationError as invalid:
            raise ValidationError(invalid.messages) from invalid

    @extend_schema(request=RevokeSerializer, responses=RoleAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        self._require_admin()
        payload = RevokeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        assignment = services.revoke(
            self.get_object(), actor=request.user, reason=payload.validated_data.get("reason", "")
        )
        return Response(RoleAssignmentSerializer(assignment).data)

    @extend_schema(responses=RoleSerializer(many=True))
    @action(detail=False, pagination_class=None, filter_backends=[])
    def catalogue(self, request):
        return Response(RoleSerializer(roles_for().values(), many=True).data)
