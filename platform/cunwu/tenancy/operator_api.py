"""The platform operator's REST API (``<base>/api/counties/``): the counties, and onboarding by pack.

It is mounted only in the operator host's URLconf (``cunwu.urls_public``), so a county's host has no
such route; the permission also refuses any request routed to a county. Onboarding reuses the page's
path exactly (``validate_pack`` then ``onboard``, synchronously in the request, as the page does): a
refused pack answers 400 with every problem and changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from cunwu.policy.packs import PackRefused, validate_pack
from cunwu.tenancy.api import PluginEnablementSerializer, PolicyVersionSerializer
from cunwu.tenancy.models import County, Domain, PluginEnablement, PolicyVersion
from cunwu.tenancy.onboarding import onboard
from cunwu.web.forms import PolicyPackForm
from cunwu.web.permissions import is_platform_operator


class IsPlatformOperator(BasePermission):
    """A platform operator (staff of the public schema), and only on the operator's host."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return getattr(request, "county", None) is None and is_platform_operator(request.user)


class DomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = Domain
        fields = ["domain", "is_primary"]


class PolicyVersionEntrySerializer(PolicyVersionSerializer):
    """One version in a county's history; the validated pack itself is left out (it can be large)."""

    class Meta(PolicyVersionSerializer.Meta):
        fields = [f for f in PolicyVersionSerializer.Meta.fields if f != "pack"]


class CountyListSerializer(serializers.ModelSerializer):
    domains = serializers.SlugRelatedField(many=True, read_only=True, slug_field="domain")
    plugins = serializers.SerializerMethodField(help_text="启用的插件")
    policy_version = serializers.SerializerMethodField(help_text="最新政策版本号")

    class Meta:
        model = County
        fields = ["slug", "name", "province", "domains", "plugins", "policy_version", "created_at"]

    def get_plugins(self, county: County) -> list[str]:
        return [enablement.plugin for enablement in county.enabled_plugins]

    def get_policy_version(self, county: County) -> int | None:
        return county.history[0].number if county.history else None


class CountyDetailSerializer(serializers.ModelSerializer):
    domains = DomainSerializer(many=True, read_only=True)
    plugins = PluginEnablementSerializer(many=True, read_only=True, source="enabled_plugins")
    policy_in_force = serializers.SerializerMethodField(help_text="今天生效的政策版本号")
    policy_versions = PolicyVersionEntrySerializer(many=True, read_only=True, source="history")

    class Meta:
        model = County
        fields = [
            "slug",
            "name",
            "province",
            "schema_name",
            "created_at",
            "domains",
            "plugins",
            "policy_in_force",
            "policy_versions",
        ]

    def get_policy_in_force(self, county: County) -> int | None:
        version = PolicyVersion.in_force(county)
        return version.number if version else None


class PackUploadSerializer(serializers.Serializer):
    """A policy pack, taken as the operator's page takes it (the same form checks size and encoding)."""

    pack_file = serializers.FileField(required=False, help_text="政策包文件(.toml，UTF-8，multipart 上传)")
    source = serializers.CharField(required=False, trim_whitespace=False, help_text="或政策包的 TOML 文本")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        files = {"pack_file": attrs["pack_file"]} if attrs.get("pack_file") else None
        form = PolicyPackForm({"source": attrs.get("source", "")}, files)
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    (api_settings.NON_FIELD_ERRORS_KEY if key == "__all__" else key): errors
                    for key, errors in form.errors.items()
                }
            )
        return {"text": form.cleaned_data["text"]}


class PackProblemSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="键路径，如 plugins.points.rules[2].points；空为整个文件")
    type = serializers.CharField(help_text="错误类型(不翻译)，如 missing、extra_forbidden、int_parsing")
    message = serializers.CharField(help_text="原因，使用请求的界面语言")


class PackRefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    problems = PackProblemSerializer(many=True)


def refusal(refused: PackRefused) -> dict[str, Any]:
    return {"detail": _("政策包被拒绝，未做任何改动"), "problems": [asdict(p) for p in refused.problems]}


@extend_schema_view(
    list=extend_schema(summary="各县列表", description="可按名称、标识、省份搜索(search)和排序(ordering)。"),
    retrieve=extend_schema(
        summary="一个县", description="域名、启用的插件及其参数、今天生效的政策版本和全部政策版本历史。"
    ),
)
class CountyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The counties of the platform; POST a policy pack to onboard a county or update it."""

    permission_classes = [IsPlatformOperator]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_field = "slug"
    search_fields = ["name", "slug", "province"]
    ordering_fields = ["slug", "name", "province", "created_at"]
    ordering = ["province", "name"]
    filterset_fields = ["province"]

    def get_queryset(self) -> QuerySet[County]:
        return County.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).prefetch_related(
            Prefetch("domains", queryset=Domain.objects.order_by("-is_primary", "domain")),
            Prefetch(
                "plugin_enablements",
                queryset=PluginEnablement.objects.filter(enabled=True).order_by("plugin"),
                to_attr="enabled_plugins",
            ),
            Prefetch(
                "policy_versions",
                queryset=PolicyVersion.objects.defer("pack", "source").order_by("-number"),
                to_attr="history",
            ),
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "list":
            return CountyListSerializer
        if self.action == "create":
            return PackUploadSerializer
        return CountyDetailSerializer

    @extend_schema(
        summary="按政策包接入或更新一个县",
        description=(
            "以 multipart/form-data 上传文件 `pack_file`，或以 JSON/表单字段 `source` 提交 TOML 文本"
            "(两者都有时以文件为准)。新县返回 201，已接入的县按新政策包更新并返回 200；"
            "政策包有任何错误时返回 400，列出每个问题的键路径和原因，不做任何改动。"
        ),
        request={
            "multipart/form-data": PackUploadSerializer,
            "application/json": PackUploadSerializer,
        },
        responses={
            201: CountyDetailSerializer,
            200: CountyDetailSerializer,
            400: PackRefusalSerializer,
        },
    )
    def create(self, request: Request) -> Response:
        upload = self.get_serializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            result = onboard(validate_pack(upload.validated_data["text"]), actor=request.user.get_username())
        except PackRefused as refused:
            return Response(refusal(refused), status=status.HTTP_400_BAD_REQUEST)
        county = self.get_queryset().get(pk=result.county.pk)
        answer = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(CountyDetailSerializer(county).data, status=answer)
