"""REST API of the organisation: units (flat and as a tree), households, residents (masked), bodies,
dated memberships and imports. Every queryset is scoped to what the requester may see (orgs.scoping)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cunwu.orgs import scoping, services
from cunwu.orgs.importing import import_upload
from cunwu.orgs.models import Body, Household, ImportJob, Membership, OrgUnit, Resident
from cunwu.pii.access import reveal
from cunwu.roles.permissions import RolePermission, has_role


class OrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "level", "kind", "code", "name", "path", "parent", "population", "seats"]


class OrgUnitTreeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    level = serializers.CharField()
    name = serializers.CharField()
    path = serializers.CharField()
    children = serializers.ListField(child=serializers.DictField())


def build_tree(units: list[OrgUnit]) -> list[dict]:
    """Nest units (ordered by path) under their parents; units whose parent is not visible are roots."""
    nodes: dict[int, dict] = {}
    roots: list[dict] = []
    for unit in units:
        node = {"id": unit.id, "level": unit.level, "name": unit.name, "path": unit.path, "children": []}
        nodes[unit.id] = node
        parent = nodes.get(unit.parent_id)
        (parent["children"] if parent else roots).append(node)
    return roots


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Townships, villages/communities and villager groups the requester may see."""

    serializer_class = OrgUnitSerializer
    filterset_fields = ["level", "parent"]
    search_fields = ["name", "code"]
    ordering_fields = ["path", "name"]

    def get_queryset(self):
        return scoping.visible_units(self.request.user)

    @extend_schema(responses=OrgUnitTreeSerializer(many=True))
    @action(detail=False, pagination_class=None)
    def tree(self, request):
        return Response(build_tree(list(self.get_queryset().order_by("path"))))


class HouseholdSerializer(serializers.ModelSerializer):
    class Meta:
        model = Household
        fields = ["id", "number", "group", "address", "head"]


class HouseholdViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = HouseholdSerializer
    filterset_fields = ["group"]
    search_fields = ["number", "address"]
    ordering_fields = ["number"]

    def get_queryset(self):
        return scoping.visible_households(self.request.user)


class ResidentSerializer(serializers.ModelSerializer):
    """A resident with ID-card and phone numbers masked; the clear values only come from ``reveal``."""

    id_card = serializers.CharField(source="id_card_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True)

    class Meta:
        model = Resident
        fields = [
            "id",
            "name",
            "id_card",
            "phone",
            "household",
            "group",
            "group_name",
            "org_path",
            "gender",
            "birth_date",
            "is_party_member",
            "active",
        ]


class LookupSerializer(serializers.Serializer):
    id_card = serializers.CharField(max_length=18, required=False)
    phone = serializers.CharField(max_length=11, required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("请填写身份证号或手机号"))
        return attrs


class RevealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ResidentFilter(filters.FilterSet):
    id_card = filters.CharFilter(method="by_id_card", label=gettext_lazy("身份证号(精确)"))
    org_unit = filters.NumberFilter(method="in_subtree", label=gettext_lazy("组织单元ID(含下级)"))

    class Meta:
        model = Resident
        fields = ["group", "household", "is_party_member", "active", "gender"]

    def by_id_card(self, queryset, name, value):
        return queryset.with_id_card(value)

    def in_subtree(self, queryset, name, unit_id):
        unit = OrgUnit.objects.filter(pk=unit_id).first()
        if unit is None:
            return queryset.none()
        return queryset.filter(Q(org_path=unit.path) | Q(org_path__startswith=unit.path + "/"))


class ResidentCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    group = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(level=OrgUnit.Level.GROUP))
    id_card = serializers.CharField(max_length=18, required=False, allow_blank=True, write_only=True)
    phone = serializers.CharField(max_length=11, required=False, allow_blank=True, write_only=True)
    household = serializers.PrimaryKeyRelatedField(
        queryset=Household.objects.all(), required=False, allow_null=True
    )
    is_party_member = serializers.BooleanField(required=False, default=False)


class ResidentUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False)
    phone = serializers.CharField(max_length=11, required=False, allow_blank=True, write_only=True)
    is_party_member = serializers.BooleanField(required=False)
    active = serializers.BooleanField(required=False)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, write_only=True)


def _drf_error(invalid: DjangoValidationError) -> ValidationError:
    return ValidationError(invalid.message_dict if hasattr(invalid, "error_dict") else invalid.messages)


class ResidentViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Residents the requester may see. Search by name (``search``) or exact ID-card number (``id_card``).

    Registering and changing residents needs a registrar role on the resident's group.
    """

    queryset = Resident.objects.none()  # for the schema; requests use get_queryset
    serializer_class = ResidentSerializer
    filterset_class = ResidentFilter
    search_fields = ["name"]
    ordering_fields = ["name", "org_path", "birth_date", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return scoping.visible_residents(self.request.user).select_related("group")

    def _require_registrar(self, group: OrgUnit) -> None:
        if not has_role(self.request.user, *scoping.REGISTRAR_ROLES, org_unit=group):
            raise PermissionDenied(_("无权登记该村民小组的村民"))

    @extend_schema(request=ResidentCreateSerializer, responses={201: ResidentSerializer})
    def create(self, request, *args, **kwargs):
        payload = ResidentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        self._require_registrar(payload.validated_data["group"])
        try:
            resident = services.register_resident(actor=request.user, **payload.validated_data)
        except DjangoValidationError as invalid:
            raise _drf_error(invalid) from invalid
        return Response(ResidentSerializer(resident).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ResidentUpdateSerializer, responses=ResidentSerializer)
    def partial_update(self, request, *args, **kwargs):
        resident = self.get_object()
        self._require_registrar(resident.group)
        payload = ResidentUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changes = dict(payload.validated_data)
        reason = changes.pop("reason", "")
        try:
            resident = services.update_resident(resident, actor=request.user, reason=reason, **changes)
        except DjangoValidationError as invalid:
            raise _drf_error(invalid) from invalid
        return Response(ResidentSerializer(resident).data)

    @extend_schema(
        request=LookupSerializer,
        responses=ResidentSerializer(many=True),
        description="按完整身份证号或手机号查找(放在请求体里,不进URL和访问日志)。",
    )
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def lookup(self, request):
        payload = LookupSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        found = self.get_queryset().none()
        if number := payload.validated_data.get("id_card"):
            found = found | self.get_queryset().with_id_card(number)
        if number := payload.validated_data.get("phone"):
            found = found | self.get_queryset().with_phone(number)
        return Response(ResidentSerializer(found, many=True).data)

    @extend_schema(
        request=RevealSerializer,
        responses=inline_serializer(
            "RevealedPersonalData", {"id_card": serializers.CharField(), "phone": serializers.CharField()}
        ),
        description="返回完整身份证号与手机号;需要权限,每次查看都记入访问日志。",
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        resident = self.get_object()
        payload = RevealSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            values = reveal(
                resident,
                actor=request.user,
                org_unit=resident.group,
                reason=payload.validated_data.get("reason", ""),
                request=request,
            )
        except DjangoPermissionDenied as refused:
            raise PermissionDenied(str(refused)) from refused
        return Response(values)


class BodySerializer(serializers.ModelSerializer):
    member_count = serializers.SerializerMethodField()

    class Meta:
        model = Body
        fields = ["id", "kind", "name", "org_unit", "seats", "quorum", "scope_object", "member_count"]

    def get_member_count(self, body: Body) -> int:
        return body.memberships.current().count()


class BodyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BodySerializer
    filterset_fields = ["kind", "org_unit", "scope_object"]
    search_fields = ["name"]
    ordering_fields = ["name", "kind"]

    def get_queryset(self):
        return scoping.visible_bodies(self.request.user)


class MembershipSerializer(serializers.ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "body", "resident", "resident_name", "position", "start_date", "end_date"]
        read_only_fields = ["end_date"]


class EndMembershipSerializer(serializers.Serializer):
    end_date = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class MembershipFilter(filters.FilterSet):
    current = filters.BooleanFilter(method="only_current", label=gettext_lazy("仅现任"))

    class Meta:
        model = Membership
        fields = ["body", "resident"]

    def only_current(self, queryset, name, value):
        return queryset.current() if value else queryset


class MembershipViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Dated seats on bodies. Appointing and ending a seat needs a manager role on the body's unit."""

    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    ordering_fields = ["start_date", "end_date"]

    def get_queryset(self):
        return scoping.visible_memberships(self.request.user).select_related("resident", "body")

    def _require_manager(self, body: Body) -> None:
        if not has_role(self.request.user, *scoping.MANAGER_ROLES, org_unit=body.org_unit):
            raise PermissionDenied(_("无权调整该机构成员"))

    def perform_create(self, serializer):
        data = serializer.validated_data
        self._require_manager(data["body"])
        if not scoping.visible_residents(self.request.user).filter(pk=data["resident"].pk).exists():
            raise ValidationError({"resident": _("无此村民")})
        try:
            serializer.instance = services.appoint(
                data["body"],
                data["resident"],
                position=data.get("position", ""),
                start_date=data["start_date"],
                actor=self.request.user,
            )
        except DjangoValidationError as invalid:
            raise ValidationError(invalid.messages) from invalid

    @extend_schema(request=EndMembershipSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        membership = self.get_object()
        self._require_manager(membership.body)
        payload = EndMembershipSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            membership = services.end_membership(
                membership,
                end_date=payload.validated_data["end_date"],
                reason=payload.validated_data.get("reason", ""),
                actor=request.user,
            )
        except DjangoValidationError as invalid:
            raise ValidationError(invalid.messages) from invalid
        return Response(MembershipSerializer(membership).data)


class ImportJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "filename",
            "status",
            "total_rows",
            "processed_rows",
            "percent",
            "errors",
            "created",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ImportJobViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Uploads of organisations and residents (.xlsx/.csv): all or nothing, with a per-row error report."""

    serializer_class = ImportJobSerializer
    permission_classes = [RolePermission.for_roles("county_admin")]
    parser_classes = [MultiPartParser, FormParser]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return ImportJob.objects.all()

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportJobSerializer},
    )
    def create(self, request, *args, **kwargs):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        job = import_upload(upload.validated_data["file"], actor=request.user)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)
