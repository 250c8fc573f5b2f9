"""REST API of evidence: list a target's files, upload one (multipart), fetch a file's bytes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from cunwu.evidence import access, services, targets
from cunwu.evidence.errors import EvidenceRejected
from cunwu.evidence.models import EvidenceFile


class EvidenceFileSerializer(serializers.ModelSerializer):
    target_type = serializers.SerializerMethodField()
    uploaded_by = serializers.StringRelatedField()
    content_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = [
            "uuid",
            "target_type",
            "target_id",
            "category",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "width",
            "height",
            "captured_at",
            "location",
            "uploaded_by",
            "uploaded_at",
            "note",
            "content_url",
        ]

    def get_target_type(self, obj: EvidenceFile) -> str:
        return f"{obj.target_type.app_label}.{obj.target_type.model}"

    def get_content_url(self, obj: EvidenceFile) -> str:
        request = self.context.get("request")
        path = f"/api/evidence/{obj.uuid}/content/"
        return request.build_absolute_uri(path) if request else path


class EvidenceUploadSerializer(serializers.Serializer):
    target_type = serializers.CharField(help_text="app_label.model, e.g. orgs.orgunit")
    target_id = serializers.CharField()
    file = serializers.FileField()
    category = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    captured_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


TARGET_PARAMETERS = [
    OpenApiParameter("target_type", OpenApiTypes.STR, required=True, description="app_label.model"),
    OpenApiParameter("target_id", OpenApiTypes.STR, required=True),
    OpenApiParameter("category", OpenApiTypes.STR),
]


@extend_schema_view(list=extend_schema(parameters=TARGET_PARAMETERS))
class EvidenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Evidence files of one target. Staff with a role on the target's org unit (and uploaders) only."""

    serializer_class = EvidenceFileSerializer
    lookup_field = "uuid"
    queryset = EvidenceFile.objects.select_related("uploaded_by", "target_type")
    filter_backends: list = []
    parser_classes = [MultiPartParser, FormParser]

    def _target(self, label: str, pk: str):
        target = targets.resolve(label, pk)
        if not access.can_attach(self.request.user, target):
            raise PermissionDenied
        return target

    def get_queryset(self):
        if self.action != "list":
            return self.queryset
        label, pk = self.request.query_params.get("target_type"), self.request.query_params.get("target_id")
        if not label or not pk:
            raise ValidationError({"target_type": "target_type and target_id are required"})
        return services.files_for(self._target(label, pk), self.request.query_params.get("category"))

    def get_object(self) -> EvidenceFile:
        evidence = get_object_or_404(self.queryset, uuid=self.kwargs["uuid"])
        if not access.can_view(self.request.user, evidence):
            raise PermissionDenied
        return evidence

    @extend_schema(request=EvidenceUploadSerializer, responses={201: EvidenceFileSerializer})
    def create(self, request: Request) -> Response:
        upload = EvidenceUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        target = self._target(data["target_type"], data["target_id"])
        try:
            evidence = services.attach(
                data["file"],
                target=target,
                actor=request.user,
                category=data["category"],
                captured_at=data["captured_at"],
                note=data["note"],
            )
        except EvidenceRejected as error:
            raise ValidationError({"file": [str(error)]}) from error
        return Response(self.get_serializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def content(self, request: Request, uuid=None) -> FileResponse:
        evidence = self.get_object()
        return FileResponse(
            evidence.file.open("rb"), content_type=evidence.content_type, filename=evidence.original_name
        )
