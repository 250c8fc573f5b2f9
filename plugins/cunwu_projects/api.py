"""REST API of the project workflow (mounted under ``/api/projects/``): serializers and viewsets.

Every write goes through the services; their refusals become 400 (with the Chinese reason, and for a
step gate the list of what is missing) or 403 when the acting user lacks the role the policy names.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cunwu.disclosure.errors import NoticeError
from cunwu.evidence.errors import EvidenceRejected
from cunwu.meetings.errors import MeetingError
from cunwu.orgs.models import OrgUnit, Resident
from cunwu.roles.permissions import RolePermission, units_for
from cunwu_projects import implementation, reports, selection, services
from cunwu_projects.errors import NotAllowed, ProjectError, StepRefused
from cunwu_projects.models import (
    Expense,
    MonthlyDisclosure,
    Project,
    ProjectPost,
    ProjectStep,
    Proposal,
    Review,
    SelectionRound,
    SelfAssessment,
)
from cunwu_projects.params import CATEGORIES

VIEW_ROLES = (
    "township_official",
    "township_finance",
    "village_secretary",
    "committee_member",
    "council_member",
    "supervisory_member",
    "finance_group",
    "quality_group",
    "province_viewer",
)
Viewer = RolePermission.for_roles(*VIEW_ROLES)


class ServiceErrors:
    """Turn the services' refusals into REST answers; nothing was changed when they happen."""

    def handle_exception(self, exc):
        if isinstance(exc, StepRefused):
            exc = ValidationError({"detail": str(exc), "missing": exc.missing})
        elif isinstance(exc, NotAllowed):
            exc = PermissionDenied(str(exc))
        elif isinstance(exc, ProjectError | MeetingError | NoticeError | EvidenceRejected):
            exc = ValidationError({"detail": str(exc)})
        elif isinstance(exc, DjangoValidationError):
            exc = ValidationError({"detail": exc.messages})
        return super().handle_exception(exc)


class ProjectStepSerializer(serializers.ModelSerializer):
    missing = serializers.SerializerMethodField()

    class Meta:
        model = ProjectStep
        fields = [
            "id",
            "position",
            "attempt",
            "code",
            "name",
            "status",
            "started_on",
            "due_on",
            "finished_at",
            "override_reason",
            "missing_at_override",
            "missing",
        ]

    def get_missing(self, obj: ProjectStep) -> list[str]:
        """What the step's gate still lacks (only for the current step)."""
        from cunwu_projects.gates import missing_for

        return missing_for(obj) if obj.status == ProjectStep.Status.ACTIVE else []


class ProjectSerializer(serializers.ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)
    current_step = ProjectStepSerializer(read_only=True)
    settlement_due = serializers.DateField(read_only=True)
    shares = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "village",
            "village_name",
            "proposal",
            "title",
            "category",
            "location",
            "budget",
            "year",
            "status",
            "policy_version",
            "current_step",
            "progress_percent",
            "completed_on",
            "settled_on",
            "settlement_due",
            "shares",
        ]
        read_only_fields = ["status", "policy_version", "progress_percent", "completed_on", "settled_on"]

    def get_shares(self, obj: Project) -> list[dict[str, str]]:
        return [{"village": s.village_id, "percent": str(s.percent)} for s in obj.shares.all()]


class ProjectDetailSerializer(ProjectSerializer):
    steps = ProjectStepSerializer(many=True, read_only=True)
    procedure = serializers.JSONField(read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "steps", "procedure"]


class ProjectStartSerializer(serializers.Serializer):
    village = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(level="village"))
    title = serializers.CharField(max_length=100)
    category = serializers.ChoiceField(choices=list(CATEGORIES))
    location = serializers.CharField(max_length=200)
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    proposal = serializers.PrimaryKeyRelatedField(
        queryset=Proposal.objects.all(), required=False, allow_null=True
    )


class ProjectShareSerializer(serializers.Serializer):
    village = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(level="village"))
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)


class ProjectExpenseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Expense
        fields = ["id", "spent_on", "item", "amount"]


class ProjectPostSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectPost
        fields = ["id", "title", "duties", "monthly_pay", "openings", "status", "handover"]
        read_only_fields = ["status", "handover"]


class MonthlyDisclosureSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonthlyDisclosure
        fields = [
            "id",
            "month",
            "spent_in_month",
            "spent_total",
            "progress_percent",
            "notice_id",
            "posted_at",
        ]
        read_only_fields = ["spent_in_month", "spent_total", "progress_percent", "notice_id", "posted_at"]


class SitePhotoSerializer(serializers.Serializer):
    place = serializers.CharField(max_length=100)
    phase = serializers.ChoiceField(choices=["before", "during", "after"])
    file = serializers.FileField()


class ProjectTimelineSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    label = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField()


def _visible(user) -> list[int]:
    return list(reports.visible_projects(user).values_list("pk", flat=True))


class ProjectViewSet(ServiceErrors, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Projects of the villages in the requester's scope (led or shared)."""

    permission_classes = [Viewer]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    search_fields = ["title", "location"]
    filterset_fields = ["village", "status", "year", "category"]
    ordering_fields = ["year", "budget", "id"]

    def get_queryset(self):
        return (
            Project.objects.filter(pk__in=_visible(self.request.user))
            .select_related("village", "current_step")
            .prefetch_related("shares")
        )

    def get_serializer_class(self):
        return ProjectDetailSerializer if self.action == "retrieve" else ProjectSerializer

    @extend_schema(request=ProjectStartSerializer, responses={201: ProjectDetailSerializer})
    def create(self, request: Request) -> Response:
        incoming = ProjectStartSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        project = services.start_project(actor=request.user, **incoming.validated_data)
        return Response(ProjectDetailSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ProjectTimelineSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request: Request, pk=None) -> Response:
        entries = reports.timeline(self.get_object())
        return Response(ProjectTimelineSerializer(entries, many=True).data)

    @extend_schema(
        responses=inline_serializer(
            "ProjectsChecklistRow",
            {
                "step": ProjectStepSerializer(),
                "documents": serializers.ListField(child=serializers.DictField()),
                "missing": serializers.ListField(child=serializers.CharField()),
            },
            many=True,
        )
    )
    @action(detail=True, methods=["get"])
    def checklist(self, request: Request, pk=None) -> Response:
        rows = reports.checklist(self.get_object())
        return Response(
            [
                {
                    "step": ProjectStepSerializer(row["step"]).data,
                    "documents": [
                        {
                            "name": d["name"],
                            "on_file": bool(d["files"]),
                            "files": [f.original_name for f in d["files"]],
                        }
                        for d in row["documents"]
                    ],
                    "missing": row["missing"],
                }
                for row in rows
            ]
        )

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def archive(self, request: Request, pk=None) -> HttpResponse:
        project = self.get_object()
        response = HttpResponse(reports.archive(project), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="project-{project.pk}.zip"'
        return response

    @extend_schema(request=ProjectShareSerializer(many=True), responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def shares(self, request: Request, pk=None) -> Response:
        project = self.get_object()
        incoming = ProjectShareSerializer(data=request.data, many=True)
        incoming.is_valid(raise_exception=True)
        services.set_shares(
            project, {row["village"]: row["percent"] for row in incoming.validated_data}, actor=request.user
        )
        return Response(ProjectSerializer(project).data)

    @extend_schema(request=ProjectExpenseSerializer, responses={201: ProjectExpenseSerializer})
    @action(detail=True, methods=["post"])
    def expenses(self, request: Request, pk=None) -> Response:
        incoming = ProjectExpenseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        expense = implementation.record_expense(
            self.get_object(), actor=request.user, **incoming.validated_data
        )
        return Response(ProjectExpenseSerializer(expense).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inline_serializer(
            "ProjectsProgress", {"percent": serializers.IntegerField(min_value=0, max_value=100)}
        ),
        responses=ProjectSerializer,
    )
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk=None) -> Response:
        percent = serializers.IntegerField(min_value=0, max_value=100).run_validation(
            request.data.get("percent")
        )
        project = implementation.report_progress(self.get_object(), percent=percent, actor=request.user)
        return Response(ProjectSerializer(project).data)

    @extend_schema(request=MonthlyDisclosureSerializer, responses={201: MonthlyDisclosureSerializer})
    @action(detail=True, methods=["post"])
    def disclosures(self, request: Request, pk=None) -> Response:
        incoming = MonthlyDisclosureSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        disclosure = implementation.post_monthly_disclosure(
            self.get_object(), month=incoming.validated_data["month"], actor=request.user
        )
        return Response(MonthlyDisclosureSerializer(disclosure).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SitePhotoSerializer, responses={201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def photos(self, request: Request, pk=None) -> Response:
        incoming = SitePhotoSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        evidence = implementation.add_site_photo(
            self.get_object(), data["file"], place=data["place"], phase=data["phase"], actor=request.user
        )
        return Response({"id": evidence.pk, "sha256": evidence.sha256}, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProjectPostSerializer, responses={201: ProjectPostSerializer})
    @action(detail=True, methods=["post"])
    def posts(self, request: Request, pk=None) -> Response:
        incoming = ProjectPostSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        post = implementation.define_post(self.get_object(), actor=request.user, **incoming.validated_data)
        return Response(ProjectPostSerializer(post).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses=inline_serializer("ProjectsHandover", {"handed_over": serializers.IntegerField()}),
    )
    @action(detail=True, methods=["post"])
    def handover(self, request: Request, pk=None) -> Response:
        return Response(
            {"handed_over": implementation.hand_over_posts(self.get_object(), actor=request.user)}
        )


class StepMeetingSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=200)
    agenda = serializers.CharField()
    attendees = serializers.PrimaryKeyRelatedField(queryset=Resident.objects.all(), many=True)
    minutes = serializers.CharField()
    decision_title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    votes_for = serializers.IntegerField(min_value=0, default=0)
    votes_against = serializers.IntegerField(min_value=0, default=0)
    abstentions = serializers.IntegerField(min_value=0, default=0)


class GroupElectionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["finance_group", "quality_group"])
    members = serializers.PrimaryKeyRelatedField(queryset=Resident.objects.all(), many=True)
    method = serializers.CharField(max_length=200)


class StepNoticeSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class StepReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = ["id", "stage", "outcome", "opinion", "reviewer", "created_at"]
        read_only_fields = ["stage", "reviewer", "created_at"]


class StepDocumentSerializer(serializers.Serializer):
    document = serializers.CharField(max_length=50)
    file = serializers.FileField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class StepCompleteSerializer(serializers.Serializer):
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class StepViewSet(ServiceErrors, viewsets.ReadOnlyModelViewSet):
    """Steps of visible projects, and what is done in a step: documents, meeting, election, 公示, review."""

    permission_classes = [Viewer]
    serializer_class = ProjectStepSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["project", "code", "status"]

    def get_queryset(self):
        return ProjectStep.objects.filter(project_id__in=_visible(self.request.user)).select_related(
            "project__village"
        )

    @extend_schema(request=StepDocumentSerializer, responses={201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def documents(self, request: Request, pk=None) -> Response:
        incoming = StepDocumentSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        evidence = services.attach_document(
            self.get_object(), data["file"], document=data["document"], note=data["note"], actor=request.user
        )
        return Response({"id": evidence.pk, "sha256": evidence.sha256}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=StepMeetingSerializer,
        responses={
            201: inline_serializer(
                "ProjectsMeetingResult",
                {"decision": serializers.IntegerField(allow_null=True), "refused": serializers.CharField()},
            )
        },
    )
    @action(detail=True, methods=["post"])
    def meeting(self, request: Request, pk=None) -> Response:
        incoming = StepMeetingSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        entry, refused = services.hold_meeting(
            self.get_object(), actor=request.user, **incoming.validated_data
        )
        return Response({"decision": entry.decision_id, "refused": refused}, status=status.HTTP_201_CREATED)

    @extend_schema(request=GroupElectionSerializer, responses={201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def election(self, request: Request, pk=None) -> Response:
        incoming = GroupElectionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        body = services.elect_group(self.get_object(), actor=request.user, **incoming.validated_data)
        return Response({"body": body.pk, "name": body.name}, status=status.HTTP_201_CREATED)

    @extend_schema(request=StepNoticeSerializer, responses={201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def notice(self, request: Request, pk=None) -> Response:
        incoming = StepNoticeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        notice = services.post_step_notice(self.get_object(), actor=request.user, **incoming.validated_data)
        return Response({"notice": notice.pk, "ends_at": notice.ends_at}, status=status.HTTP_201_CREATED)

    @extend_schema(request=StepReviewSerializer, responses={201: StepReviewSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk=None) -> Response:
        incoming = StepReviewSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        review = services.review_step(self.get_object(), actor=request.user, **incoming.validated_data)
        return Response(StepReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StepCompleteSerializer, responses=ProjectStepSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk=None) -> Response:
        incoming = StepCompleteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        step = services.complete_step(self.get_object(), actor=request.user, **incoming.validated_data)
        return Response(ProjectStepSerializer(step).data)


class ProjectProposalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Proposal
        fields = [
            "id",
            "group",
            "title",
            "category",
            "location",
            "estimated_budget",
            "description",
            "rank",
            "shortlisted",
        ]
        read_only_fields = ["rank", "shortlisted"]


class SelectionRoundSerializer(serializers.ModelSerializer):
    proposals = ProjectProposalSerializer(many=True, read_only=True)

    class Meta:
        model = SelectionRound
        fields = ["id", "village", "year", "title", "status", "scoring", "policy_version", "proposals"]
        read_only_fields = ["status", "scoring", "policy_version"]


class ProposalRankSerializer(serializers.Serializer):
    proposal = ProjectProposalSerializer()
    total = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    sheets_counted = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.CharField())
    rank = serializers.IntegerField(allow_null=True)
    tied = serializers.BooleanField()


class RoundViewSet(ServiceErrors, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Rounds of collection and three-step scoring, ending in the 初选项目表."""

    permission_classes = [Viewer]
    serializer_class = SelectionRoundSerializer
    filterset_fields = ["village", "year", "status"]

    def get_queryset(self):
        return SelectionRound.objects.filter(village__in=units_for(self.request.user, *VIEW_ROLES))

    def create(self, request: Request) -> Response:
        incoming = SelectionRoundSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        round_ = selection.open_round(
            village=data["village"], year=data["year"], title=data["title"], actor=request.user
        )
        return Response(SelectionRoundSerializer(round_).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProjectProposalSerializer, responses={201: ProjectProposalSerializer})
    @action(detail=True, methods=["post"])
    def proposals(self, request: Request, pk=None) -> Response:
        incoming = ProjectProposalSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        proposal = selection.submit_proposal(self.get_object(), actor=request.user, **incoming.validated_data)
        return Response(ProjectProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inline_serializer(
            "ProjectsScoreSheet",
            {
                "scores": serializers.DictField(
                    child=serializers.DictField(
                        child=serializers.DecimalField(max_digits=6, decimal_places=2)
                    )
                )
            },
        ),
        responses=ProposalRankSerializer(many=True),
    )
    @action(detail=True, methods=["post"])
    def sheet(self, request: Request, pk=None) -> Response:
        scores = request.data.get("scores")
        if not isinstance(scores, dict) or not all(isinstance(v, dict) for v in scores.values()):
            raise ValidationError({"scores": "须为 {建议ID: {评分项: 分数}}"})
        round_ = self.get_object()
        selection.submit_sheet(round_, scores={int(k): v for k, v in scores.items()}, actor=request.user)
        return Response(ProposalRankSerializer(selection.ranking(round_), many=True).data)

    @extend_schema(responses=ProposalRankSerializer(many=True))
    @action(detail=True, methods=["get"])
    def ranking(self, request: Request, pk=None) -> Response:
        return Response(ProposalRankSerializer(selection.ranking(self.get_object()), many=True).data)

    @extend_schema(request=None, responses=ProposalRankSerializer(many=True))
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        return Response(
            ProposalRankSerializer(
                selection.close_round(self.get_object(), actor=request.user), many=True
            ).data
        )


class SelfAssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SelfAssessment
        fields = ["id", "village", "year", "summary", "items", "created_at"]


class SelfAssessmentViewSet(ServiceErrors, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """现状分析自查表 of the villages in scope."""

    permission_classes = [Viewer]
    serializer_class = SelfAssessmentSerializer
    filterset_fields = ["village", "year"]

    def get_queryset(self):
        return SelfAssessment.objects.filter(village__in=units_for(self.request.user, *VIEW_ROLES))

    def create(self, request: Request) -> Response:
        incoming = SelfAssessmentSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        assessment = selection.record_self_assessment(actor=request.user, **incoming.validated_data)
        return Response(SelfAssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


class QueueView(APIView):
    """The township's queue: plans awaiting pre-review or approval, late settlements escalated."""

    permission_classes = [RolePermission.for_roles("township_official")]

    @extend_schema(
        responses=inline_serializer(
            "ProjectsQueueItem",
            {
                "project": ProjectSerializer(),
                "step": ProjectStepSerializer(allow_null=True),
                "reason": serializers.CharField(),
            },
            many=True,
        )
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "project": ProjectSerializer(item.project).data,
                    "step": ProjectStepSerializer(item.step).data if item.step else None,
                    "reason": item.reason,
                }
                for item in reports.township_queue(request.user)
            ]
        )


class SummaryView(APIView):
    """Year-end summary per village in the requester's scope: projects, budgets, completion, overdue."""

    permission_classes = [Viewer]

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="年度(默认今年)")],
        responses=inline_serializer(
            "ProjectsVillageSummary",
            {
                "village": serializers.IntegerField(),
                "village_name": serializers.CharField(),
                "projects": serializers.IntegerField(),
                "budget": serializers.DecimalField(max_digits=14, decimal_places=2),
                "spent": serializers.DecimalField(max_digits=14, decimal_places=2),
                "completed": serializers.IntegerField(),
                "settled": serializers.IntegerField(),
                "overdue": serializers.IntegerField(),
                "overridden": serializers.IntegerField(),
            },
            many=True,
        ),
    )
    def get(self, request: Request) -> Response:
        year = serializers.IntegerField(min_value=2000, max_value=2100).run_validation(
            request.query_params.get("year", timezone.localdate().year)
        )
        villages = units_for(request.user, *VIEW_ROLES).filter(level=OrgUnit.Level.VILLAGE)
        rows = reports.year_summary(year, villages)
        return Response(
            [
                {
                    **row,
                    "village": row["village"].pk,
                    "village_name": row["village"].name,
                    "budget": str(row["budget"]),
                    "spent": str(row["spent"]),
                }
                for row in rows
            ]
        )
