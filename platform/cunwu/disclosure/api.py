"""REST API of 公示: staff endpoints (list, post, supersede, verify) and a public read endpoint."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from cunwu.disclosure import printing, services
from cunwu.disclosure.errors import AlreadySuperseded
from cunwu.disclosure.models import Notice
from cunwu.disclosure.selectors import VIEW_ROLES, staff_notices, with_state
from cunwu.evidence.errors import EvidenceRejected
from cunwu.evidence.models import EvidenceFile
from cunwu.orgs.models import OrgUnit
from cunwu.roles.permissions import RolePermission, units_for


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = ["uuid", "original_name", "content_type", "size", "sha256", "width", "height", "url"]

    def get_url(self, obj: EvidenceFile) -> str:
        path = reverse(
            "disclosure:public_attachment", kwargs={"token": obj.target.uuid, "file_token": obj.uuid}
        )
        return self.context["request"].build_absolute_uri(path)


class NoticeSerializer(serializers.ModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    posted_by = serializers.StringRelatedField()
    supersedes = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    superseded_by = serializers.SerializerMethodField()
    first_day = serializers.DateField(read_only=True)
    last_day = serializers.DateField(read_only=True)
    period_ended = serializers.BooleanField(read_only=True)
    attachments = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "uuid",
            "org_unit",
            "org_unit_name",
            "kind",
            "title",
            "body",
            "starts_at",
            "ends_at",
            "min_days",
            "first_day",
            "last_day",
            "period_ended",
            "content_hash",
            "posted_by",
            "posted_at",
            "supersedes",
            "superseded_by",
            "correction_reason",
            "attachments",
            "public_url",
            "pdf_url",
        ]

    def get_superseded_by(self, obj: Notice) -> str | None:
        newer = Notice.objects.filter(supersedes_id=obj.pk).values_list("uuid", flat=True).first()
        return str(newer) if newer else None

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, obj: Notice) -> list[dict]:
        return AttachmentSerializer(services.attachments_of(obj), many=True, context=self.context).data

    def get_public_url(self, obj: Notice) -> str:
        return printing.public_url(obj, self.context["request"])

    def get_pdf_url(self, obj: Notice) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("disclosure:pdf", kwargs={"token": obj.uuid})
        )


class NoticeCreateSerializer(serializers.Serializer):
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    kind = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    min_days = serializers.IntegerField(min_value=1, max_value=services.MAX_DAYS)
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class SupersedeSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    reason = serializers.CharField(max_length=500)


class NoticeFilter(filters.FilterSet):
    status = filters.ChoiceFilter(
        choices=[("current", "current"), ("ended", "ended")], method="filter_status"
    )
    org_unit = filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), method="filter_org_unit")

    class Meta:
        model = Notice
        fields = ["kind", "status", "org_unit"]

    def filter_status(self, queryset, name, value):
        return queryset.current() if value == "current" else queryset.ended()

    def filter_org_unit(self, queryset, name, value: OrgUnit):
        """The unit and everything below it (a township's notices include its villages')."""
        return queryset.filter(org_unit__in=value.subtree())


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="recomputed hash == stored hash, attachments unchanged")
    content_hash = serializers.CharField()


def _verification(notice: Notice) -> Response:
    return Response({"ok": services.verify_notice(notice), "content_hash": notice.content_hash})


def _django_errors(error: DjangoValidationError) -> ValidationError:
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Notices of the org units in the requester's scope. There is no update and no delete: supersede."""

    serializer_class = NoticeSerializer
    permission_classes = [RolePermission.for_roles(*VIEW_ROLES)]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = NoticeFilter
    search_fields = ["title", "body", "kind"]
    ordering_fields = ["starts_at", "ends_at", "posted_at"]

    def get_queryset(self):
        return staff_notices(self.request.user)

    @extend_schema(request=NoticeCreateSerializer, responses={201: NoticeSerializer})
    def create(self, request: Request) -> Response:
        incoming = NoticeCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        if not units_for(request.user, *services.POSTER_ROLES).filter(pk=data["org_unit"].pk).exists():
            raise PermissionDenied
        try:
            notice = services.post_notice(actor=request.user, **data)
        except DjangoValidationError as error:
            raise _django_errors(error) from error
        except EvidenceRejected as error:
            raise ValidationError({"attachments": [str(error)]}) from error
        return Response(self.get_serializer(notice).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SupersedeSerializer, responses={201: NoticeSerializer})
    @action(detail=True, methods=["post"])
    def supersede(self, request: Request, pk=None) -> Response:
        notice = self.get_object()
        if not services.can_post(request.user, notice.org_unit):
            raise PermissionDenied
        incoming = SupersedeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            new = services.supersede(notice, actor=request.user, **incoming.validated_data)
        except DjangoValidationError as error:
            raise _django_errors(error) from error
        except AlreadySuperseded as error:
            raise ValidationError({"detail": str(error)}) from error
        return Response(self.get_serializer(new).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=VerificationSerializer)
    @action(detail=True, methods=["get"])
    def verify(self, request: Request, pk=None) -> Response:
        return _verification(self.get_object())


class PublicNoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """Posted notices, readable by anyone without an account (the portal's data)."""

    serializer_class = NoticeSerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []
    lookup_field = "uuid"
    filterset_class = NoticeFilter
    search_fields = ["title", "body", "kind"]

    def get_queryset(self):
        return with_state(Notice.objects.filter(starts_at__lte=timezone.now()))

    @extend_schema(responses=VerificationSerializer)
    @action(detail=True, methods=["get"])
    def verify(self, request: Request, uuid=None) -> Response:
        return _verification(self.get_object())
