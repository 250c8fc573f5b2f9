"""REST endpoints of meetings: schedule and list (by body or subject), sign-in, minutes, decisions.

Reading needs one of :data:`selectors.READER_ROLES` on the meeting's village; changing needs a
:data:`selectors.MANAGER_ROLES` role there. Refusals of the services come back as 400 with the reason.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cunwu.exports import XLSX_CONTENT_TYPE, xlsx_response
from cunwu.meetings import services
from cunwu.meetings.errors import MeetingError
from cunwu.meetings.exports import attendance_workbook
from cunwu.meetings.models import Attendance, Decision, Meeting
from cunwu.meetings.quorum import quorum_status
from cunwu.meetings.selectors import READER_ROLES, may_run, visible_meetings
from cunwu.meetings.subjects import label_of, resolve_subject
from cunwu.orgs.models import Body, Resident
from cunwu.roles.permissions import RolePermission


class QuorumSerializer(serializers.Serializer):
    present = serializers.IntegerField(help_text="到会表决成员")
    seats = serializers.IntegerField(help_text="应到人数")
    required = serializers.IntegerField(help_text="法定最少出席人数")
    met = serializers.BooleanField()


class MeetingSerializer(serializers.ModelSerializer):
    body_name = serializers.CharField(source="body.name", read_only=True)
    subject_type = serializers.SerializerMethodField()
    quorum = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id", "body", "body_name", "org_path", "held_on", "place", "agenda", "subject_type", "subject_id",
            "minutes", "minutes_recorded_at", "created_at", "quorum",
        ]  # fmt: skip

    def get_subject_type(self, meeting: Meeting) -> str:
        return label_of(meeting.subject_type)

    @extend_schema_field(QuorumSerializer)
    def get_quorum(self, meeting: Meeting) -> dict[str, Any]:
        quorum = quorum_status(meeting)
        return {
            "present": quorum.present,
            "seats": quorum.seats,
            "required": quorum.required,
            "met": quorum.met,
        }


class SubjectFields(serializers.Serializer):
    subject_type = serializers.CharField(required=False, default="", help_text="app_label.model")
    subject_id = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class MeetingCreateSerializer(SubjectFields):
    body = serializers.PrimaryKeyRelatedField(queryset=Body.objects.all())
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=200)
    agenda = serializers.CharField()


class SignInSerializer(serializers.Serializer):
    residents = serializers.PrimaryKeyRelatedField(
        queryset=Resident.objects.all(), many=True, allow_empty=False
    )
    via = serializers.ChoiceField(choices=Attendance.Via.choices, default=Attendance.Via.ON_SITE)


class MinutesSerializer(serializers.Serializer):
    text = serializers.CharField()


class AttendanceSerializer(serializers.ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "resident", "resident_name", "voting", "via", "signed_at"]


class DecisionSerializer(serializers.ModelSerializer):
    subject_type = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id", "meeting", "title", "votes_for", "votes_against", "abstentions", "present", "majority",
            "passed", "subject_type", "subject_id", "recorded_at",
        ]  # fmt: skip

    def get_subject_type(self, decision: Decision) -> str:
        return label_of(decision.subject_type)


class DecisionCreateSerializer(SubjectFields):
    title = serializers.CharField(max_length=200)
    votes_for = serializers.IntegerField(min_value=0)
    votes_against = serializers.IntegerField(min_value=0)
    abstentions = serializers.IntegerField(min_value=0)
    majority = serializers.ChoiceField(choices=Decision.Majority.choices, default=Decision.Majority.SIMPLE)


class MeetingFilter(django_filters.FilterSet):
    subject_type = django_filters.CharFilter(method="filter_subject_type")
    held_from = django_filters.DateFilter(field_name="held_on", lookup_expr="gte")
    held_to = django_filters.DateFilter(field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = ["body", "subject_id"]

    def filter_subject_type(self, queryset, name: str, value: str):
        app_label, _dot, model = value.partition(".")
        return queryset.filter(subject_type__app_label=app_label, subject_type__model=model)


def _refused(error: MeetingError) -> ValidationError:
    return ValidationError({"detail": error.message})


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """会议:安排、签到、记录与表决."""

    serializer_class = MeetingSerializer
    permission_classes = [RolePermission.for_roles(*READER_ROLES)]
    filterset_class = MeetingFilter
    search_fields = ["agenda", "place", "body__name"]
    ordering_fields = ["held_on", "created_at"]

    def get_queryset(self):
        return visible_meetings(self.request.user)

    def _meeting_to_run(self) -> Meeting:
        meeting = self.get_object()
        if not may_run(self.request.user, meeting):
            raise PermissionDenied("只有本村党组织书记或村(居)委会成员可以操作会议。")
        return meeting

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer})
    def create(self, request: Request) -> Response:
        data = MeetingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not may_run(request.user, values["body"]):
            raise PermissionDenied("只能为本村的机构安排会议。")
        try:
            meeting = services.schedule_meeting(
                body=values["body"],
                held_on=values["held_on"],
                place=values["place"],
                agenda=values["agenda"],
                subject=resolve_subject(values["subject_type"], values["subject_id"]),
                actor=request.user,
            )
        except MeetingError as error:
            raise _refused(error) from error
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SignInSerializer, responses={201: AttendanceSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="sign-in")
    def sign_in(self, request: Request, pk: str) -> Response:
        meeting = self._meeting_to_run()
        data = SignInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            added = services.sign_in(
                meeting, data.validated_data["residents"], via=data.validated_data["via"], actor=request.user
            )
        except MeetingError as error:
            raise _refused(error) from error
        return Response(AttendanceSerializer(added, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: AttendanceSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def attendance(self, request: Request, pk: str) -> Response:
        attendances = self.get_object().attendances.select_related("resident")
        return Response(AttendanceSerializer(attendances, many=True).data)

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="attendance-export")
    def attendance_export(self, request: Request, pk: str):
        meeting = self.get_object()
        return xlsx_response(
            attendance_workbook(meeting), f"sign-in-{meeting.pk}-{timezone.localdate():%Y%m%d}.xlsx"
        )

    @extend_schema(request=MinutesSerializer, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def minutes(self, request: Request, pk: str) -> Response:
        meeting = self._meeting_to_run()
        data = MinutesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            meeting = services.record_minutes(meeting, text=data.validated_data["text"], actor=request.user)
        except MeetingError as error:
            raise _refused(error) from error
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(methods=["get"], responses={200: DecisionSerializer(many=True)})
    @extend_schema(methods=["post"], request=DecisionCreateSerializer, responses={201: DecisionSerializer})
    @action(detail=True, methods=["get", "post"])
    def decisions(self, request: Request, pk: str) -> Response:
        if request.method == "GET":
            return Response(DecisionSerializer(self.get_object().decisions.all(), many=True).data)
        meeting = self._meeting_to_run()
        data = DecisionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            decision = services.record_decision(
                meeting,
                title=values["title"],
                votes_for=values["votes_for"],
                votes_against=values["votes_against"],
                abstentions=values["abstentions"],
                majority=values["majority"],
                subject=resolve_subject(values["subject_type"], values["subject_id"]),
                actor=request.user,
            )
        except MeetingError as error:
            raise _refused(error) from error
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
