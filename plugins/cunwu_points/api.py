"""REST API of the 积分超市 (mounted under ``/api/points/``): serializers and viewsets over the services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cunwu.orgs.models import Household, OrgUnit, Resident
from cunwu.roles.permissions import RolePermission, has_role, units_for
from cunwu_points import reports
from cunwu_points.errors import KeyReused, PointsError
from cunwu_points.models import Item, Passbook, PointsEvent, QuarterlyList, Redemption, Rule, RuleVersion
from cunwu_points.policy import parameters
from cunwu_points.scoping import STAFF, SUPERVISORS, own_passbooks_q, rules_readable_villages, scoped
from cunwu_points.services import events, supermarket
from cunwu_points.services import rules as rules_service
from cunwu_points.services.passbooks import figures
from cunwu_points.services.rankings import honour_candidates


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT


class PointsErrors:
    """Refusals of the services become 400 (409 for a reused key) with the service's Chinese message."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, KeyReused):
            exc = Conflict(str(exc))
        elif isinstance(exc, PointsError):
            exc = ValidationError({"detail": str(exc)})
        return super().handle_exception(exc)


class RuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rule
        fields = [
            "id",
            "village",
            "code",
            "behaviour",
            "points",
            "category",
            "evidence_required",
            "limit_per_period",
            "limit_period",
        ]


class EventSerializer(serializers.ModelSerializer):
    holder = serializers.CharField(source="passbook.holder_name", read_only=True)
    behaviour = serializers.CharField(source="rule.behaviour", read_only=True)

    class Meta:
        model = PointsEvent
        fields = [
            "id",
            "passbook",
            "holder",
            "rule",
            "behaviour",
            "points",
            "posted_points",
            "occurred_on",
            "note",
            "source",
            "status",
            "registered_by",
            "registered_at",
            "reviewed_by",
            "reviewed_at",
            "review_reason",
        ]
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer):
    resident = serializers.PrimaryKeyRelatedField(queryset=Resident.objects.all(), required=False)
    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.all(), required=False)
    rule = serializers.PrimaryKeyRelatedField(queryset=Rule.objects.filter(active=True))
    occurred_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    photo = serializers.ImageField(required=False)

    def validate(self, data: dict) -> dict:
        if bool(data.get("resident")) == bool(data.get("household")):
            raise ValidationError({"resident": "请指定村民或户(二选一)。"})
        return data


class BulkSerializer(serializers.Serializer):
    residents = serializers.PrimaryKeyRelatedField(queryset=Resident.objects.all(), many=True)
    rule = serializers.PrimaryKeyRelatedField(queryset=Rule.objects.filter(active=True))
    occurred_on = serializers.DateField()
    title = serializers.CharField(max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ClaimSerializer(serializers.Serializer):
    rule = serializers.PrimaryKeyRelatedField(queryset=Rule.objects.filter(active=True))
    occurred_on = serializers.DateField()
    note = serializers.CharField(allow_blank=False)
    photo = serializers.ImageField(required=False)


class ReviewSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReviseSerializer(serializers.Serializer):
    village = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(level=OrgUnit.Level.VILLAGE))
    rules = serializers.ListField(
        child=serializers.DictField(), help_text="完整的评分条例(每条: code, behaviour, points …)"
    )


class RuleViewSet(PointsErrors, viewsets.ReadOnlyModelViewSet):
    """The current 评分条例 (public: every villager may read the rules); the village may revise its own."""

    serializer_class = RuleSerializer
    filterset_fields = ["village", "category"]
    search_fields = ["behaviour", "code"]

    def get_queryset(self):
        return Rule.objects.filter(active=True).select_related("village")

    @extend_schema(
        request=ReviseSerializer,
        responses=inline_serializer("Revision", {"version": serializers.IntegerField(allow_null=True)}),
    )
    @action(detail=False, methods=["post"])
    def revise(self, request) -> Response:
        """Replace a village's table: a new version, posted as a 公示 (``version`` null: nothing changed)."""
        data = ReviseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = rules_service.revise_village_table(
            data.validated_data["village"], data.validated_data["rules"], actor=request.user
        )
        return Response({"version": version.number if version else None})


class RuleVersionSerializer(serializers.ModelSerializer):
    """A version of a village's 评分条例 with its 公示 (``history`` entries are in the context)."""

    village_name = serializers.CharField(source="village.name", read_only=True)
    effective_at = serializers.DateTimeField(source="created_at", read_only=True, help_text="本版生效时间")
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    changes = serializers.SerializerMethodField(help_text="与上一版相比")
    notice = serializers.SerializerMethodField(help_text="本版的公示编号")
    notice_url = serializers.SerializerMethodField(help_text="公示原文(公开页面, 无须登录)")

    class Meta:
        model = RuleVersion
        fields = [
            "id",
            "village",
            "village_name",
            "number",
            "effective_at",
            "source",
            "source_label",
            "table",
            "changes",
            "notice",
            "notice_url",
        ]
        read_only_fields = fields

    def _entry(self, version: RuleVersion) -> rules_service.HistoryEntry:
        return self.context["history"][version.pk]

    def get_changes(self, version: RuleVersion) -> list[str]:
        return [str(line) for line in self._entry(version).changes]

    def get_notice(self, version: RuleVersion) -> int | None:
        notice = self._entry(version).notice
        return notice.pk if notice else None

    def get_notice_url(self, version: RuleVersion) -> str | None:
        notice = self._entry(version).notice
        return self.context["request"].build_absolute_uri(notice.get_public_url()) if notice else None


class RuleVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Every version of the 评分条例 of the villages the requester may read (as on the 评分条例 pages:
    where they work, and a villager's own village), newest first, with each version's 公示."""

    serializer_class = RuleVersionSerializer
    filterset_fields = ["village", "source"]

    def get_queryset(self) -> QuerySet[RuleVersion]:
        return (
            RuleVersion.objects.filter(village__in=rules_readable_villages(self.request.user))
            .select_related("village")
            .order_by("village__path", "-number")
        )

    def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.BaseSerializer:
        """Adds the page's (or the one version's) history entries, in a few queries per village."""
        if args:
            versions = list(args[0]) if kwargs.get("many") else [args[0]]
            kwargs["context"] = {**self.get_serializer_context(), "history": _history_entries(versions)}
        return super().get_serializer(*args, **kwargs)


def _history_entries(versions: list[RuleVersion]) -> dict[int, rules_service.HistoryEntry]:
    by_village: dict[int, list[RuleVersion]] = {}
    for version in versions:
        by_village.setdefault(version.village_id, []).append(version)
    return {
        entry.version.pk: entry
        for group in by_village.values()
        for entry in rules_service.history(group[0].village, group)
    }


class EventViewSet(PointsErrors, viewsets.ReadOnlyModelViewSet):
    """Points events: register, bulk entry, villager claims, approve and reject."""

    serializer_class = EventSerializer
    filterset_fields = ["status", "source", "passbook", "rule"]

    def get_queryset(self):
        events_qs = PointsEvent.objects.select_related(
            "passbook__resident", "passbook__household__head", "rule"
        )
        if has_role(self.request.user, *STAFF):
            return scoped(events_qs, self.request.user, *STAFF, path_field="passbook__book__village__path")
        return events_qs.filter(own_passbooks_q(self.request.user, "passbook__"))

    @extend_schema(request=RegisterSerializer, responses=EventSerializer)
    def create(self, request, *args: Any, **kwargs: Any) -> Response:
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        event = events.register(
            values.get("resident") or values.get("household"),
            values["rule"],
            occurred_on=values["occurred_on"],
            note=values["note"],
            photo=values.get("photo"),
            actor=request.user,
        )
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=BulkSerializer,
        responses=inline_serializer(
            "BulkResult", {"batch": serializers.IntegerField(), "count": serializers.IntegerField()}
        ),
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request) -> Response:
        data = BulkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        batch = events.register_bulk(
            values["residents"],
            values["rule"],
            occurred_on=values["occurred_on"],
            title=values["title"],
            note=values["note"],
            actor=request.user,
        )
        return Response({"batch": batch.pk, "count": batch.events.count()}, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClaimSerializer, responses=EventSerializer)
    @action(detail=False, methods=["post"])
    def claim(self, request) -> Response:
        data = ClaimSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        event = events.submit_claim(
            values["rule"],
            occurred_on=values["occurred_on"],
            note=values["note"],
            photo=values.get("photo"),
            actor=request.user,
        )
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewSerializer, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk: str) -> Response:
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = events.approve(self.get_object(), actor=request.user, reason=data.validated_data["reason"])
        return Response(EventSerializer(event).data)

    @extend_schema(request=ReviewSerializer, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk: str) -> Response:
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = events.reject(self.get_object(), actor=request.user, reason=data.validated_data["reason"])
        return Response(EventSerializer(event).data)


class PassbookSerializer(serializers.ModelSerializer):
    holder = serializers.SerializerMethodField()
    year = serializers.IntegerField(source="book.year", read_only=True)
    village = serializers.CharField(source="book.village.name", read_only=True)
    closed = serializers.SerializerMethodField()
    cumulative = serializers.SerializerMethodField()
    redeemable = serializers.SerializerMethodField()

    class Meta:
        model = Passbook
        fields = ["id", "token", "holder", "year", "village", "closed", "cumulative", "redeemable"]

    def _figures(self, passbook: Passbook):
        cache = self.context.setdefault("figures", {})
        if passbook.pk not in cache:
            cache[passbook.pk] = figures(passbook)
        return cache[passbook.pk]

    def get_holder(self, passbook: Passbook) -> str:
        return passbook.holder_name

    def get_closed(self, passbook: Passbook) -> bool:
        return passbook.book.closed_at is not None

    def get_cumulative(self, passbook: Passbook) -> str:
        """累计积分 (rankings and honours): redeeming never lowers it."""
        return str(self._figures(passbook).cumulative)

    def get_redeemable(self, passbook: Passbook) -> str:
        """可兑换积分: the ledger balance of the passbook."""
        return str(self._figures(passbook).redeemable)


class PassbookViewSet(viewsets.ReadOnlyModelViewSet):
    """Passbooks by QR token; a villager sees their own (every year), staff those of their villages."""

    serializer_class = PassbookSerializer
    lookup_field = "token"

    def get_queryset(self):
        passbooks = Passbook.objects.select_related(
            "book__village", "account", "resident", "household__head"
        ).order_by("-book__year", "id")
        if has_role(self.request.user, *STAFF):
            return scoped(passbooks, self.request.user, *STAFF, path_field="book__village__path")
        return passbooks.filter(own_passbooks_q(self.request.user)).distinct()


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = [
            "id",
            "org_unit",
            "name",
            "description",
            "price",
            "stock",
            "limit_per_person",
            "limit_period",
            "active",
        ]


class ItemViewSet(
    PointsErrors, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """The supermarket catalogue; operators add and change goods (every change audited)."""

    serializer_class = ItemSerializer
    filterset_fields = ["org_unit", "active"]
    search_fields = ["name"]

    def get_queryset(self):
        return Item.objects.select_related("org_unit")

    def perform_create(self, serializer) -> None:
        values = dict(serializer.validated_data)
        serializer.instance = supermarket.add_item(values.pop("org_unit"), actor=self.request.user, **values)

    def perform_update(self, serializer) -> None:
        values = dict(serializer.validated_data)
        values.pop("org_unit", None)
        serializer.instance = supermarket.update_item(serializer.instance, actor=self.request.user, **values)


class RedemptionSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)

    class Meta:
        model = Redemption
        fields = [
            "id",
            "key",
            "passbook",
            "item",
            "item_name",
            "quantity",
            "points",
            "transaction",
            "operator",
            "created_at",
            "reversed_at",
            "reversal_reason",
        ]
        read_only_fields = fields


class RedeemSerializer(serializers.Serializer):
    passbook = serializers.SlugRelatedField(
        slug_field="token",
        queryset=Passbook.objects.select_related("book__village", "account", "book__redemption_account"),
    )
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.select_related("org_unit"))
    quantity = serializers.IntegerField(min_value=1, default=1)
    key = serializers.CharField(max_length=100, help_text="客户端生成的请求编号(幂等键): 重试时原样重发")


class ReverseSerializer(serializers.Serializer):
    reason = serializers.CharField()


class RedemptionViewSet(PointsErrors, viewsets.ReadOnlyModelViewSet):
    """Redemptions at the counter: idempotent on ``key``; reversal by compensating entry."""

    serializer_class = RedemptionSerializer
    filterset_fields = ["passbook", "item"]

    def get_queryset(self):
        redemptions = Redemption.objects.select_related("item", "passbook")
        if has_role(self.request.user, *STAFF):
            return scoped(redemptions, self.request.user, *STAFF, path_field="passbook__book__village__path")
        return redemptions.filter(own_passbooks_q(self.request.user, "passbook__")).distinct()

    @extend_schema(request=RedeemSerializer, responses=RedemptionSerializer)
    def create(self, request, *args: Any, **kwargs: Any) -> Response:
        data = RedeemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        redemption = supermarket.redeem(
            values["passbook"],
            values["item"],
            quantity=values["quantity"],
            key=values["key"],
            actor=request.user,
        )
        return Response(RedemptionSerializer(redemption).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReverseSerializer, responses=RedemptionSerializer)
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk: str) -> Response:
        data = ReverseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        redemption = supermarket.reverse_redemption(
            self.get_object(), reason=data.validated_data["reason"], actor=request.user
        )
        return Response(RedemptionSerializer(redemption).data)


class ListEntrySerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    label = serializers.CharField()
    score = serializers.DecimalField(max_digits=10, decimal_places=2)
    tied = serializers.BooleanField()


class QuarterlyListSerializer(serializers.ModelSerializer):
    entries = ListEntrySerializer(many=True, read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = QuarterlyList
        fields = [
            "id",
            "village",
            "village_name",
            "year",
            "quarter",
            "kind",
            "size",
            "masked",
            "notice",
            "entries",
        ]


class QuarterlyListViewSet(viewsets.ReadOnlyModelViewSet):
    """Published red and black lists (public once posted, names as posted)."""

    serializer_class = QuarterlyListSerializer
    filterset_fields = ["village", "year", "quarter", "kind"]

    def get_queryset(self):
        return QuarterlyList.objects.select_related("village").prefetch_related("entries")


class FiguresSerializer(serializers.Serializer):
    name = serializers.CharField()
    issued = serializers.DecimalField(max_digits=14, decimal_places=2)
    penalties = serializers.DecimalField(max_digits=14, decimal_places=2)
    redeemed = serializers.DecimalField(max_digits=14, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2)
    participants = serializers.IntegerField()
    eligible = serializers.IntegerField()
    participation_rate = serializers.DecimalField(max_digits=6, decimal_places=4)
    children = serializers.ListField(child=serializers.DictField(), help_text="下级单位, 结构相同")


class ReportViewSet(viewsets.ViewSet):
    """Figures by village, township and county; honours candidates; registrar volume."""

    permission_classes = [IsAuthenticated, RolePermission.for_roles(*SUPERVISORS)]

    def _units(self, request) -> list[OrgUnit]:
        """The top units of the requester's subtrees (a county-wide role: every township)."""
        units = list(units_for(request.user, *SUPERVISORS))
        return [u for u in units if not any(u.path.startswith(o.path + "/") for o in units)]

    def _year(self, request) -> int:
        try:
            return int(request.query_params.get("year", timezone.localdate().year))
        except ValueError as exc:
            raise ValidationError({"year": "年度须为数字。"}) from exc

    @extend_schema(responses=FiguresSerializer)
    def list(self, request) -> Response:
        year = self._year(request)
        total = reports.rollup(self._units(request), year, request.county.name)
        return Response(_figures_json(total))

    @extend_schema(
        responses=inline_serializer(
            "Honours",
            {
                "honour": serializers.CharField(),
                "candidates": serializers.ListField(child=serializers.DictField()),
            },
            many=True,
        )
    )
    @action(detail=False)
    def honours(self, request) -> Response:
        year = self._year(request)
        village = get_object_or_404(
            OrgUnit, pk=request.query_params.get("village"), level=OrgUnit.Level.VILLAGE
        )
        if not has_role(request.user, *SUPERVISORS, org_unit=village):
            return Response(status=status.HTTP_403_FORBIDDEN)
        return Response(
            [
                {
                    "honour": honour.name,
                    "candidates": [
                        {"rank": r.rank, "name": r.name, "score": str(r.score), "tied": r.tied}
                        for r in honour_candidates(village, year, honour)
                    ],
                }
                for honour in parameters().honours
            ]
        )

    @extend_schema(
        responses=inline_serializer(
            "RegistrarVolume",
            {
                "day": serializers.DateField(),
                "username": serializers.CharField(),
                "count": serializers.IntegerField(),
            },
            many=True,
        )
    )
    @action(detail=False, url_path="registrar-volume")
    def registrar_volume(self, request) -> Response:
        today = timezone.localdate()
        villages = units_for(request.user, *SUPERVISORS).filter(level=OrgUnit.Level.VILLAGE)
        rows = reports.registrar_volume(villages, today.replace(day=1), today)
        return Response([{**row, "day": row["day"].isoformat()} for row in rows])


def _figures_json(figures: reports.Figures) -> dict[str, Any]:
    return {
        "name": figures.name,
        "issued": str(figures.issued),
        "penalties": str(figures.penalties),
        "redeemed": str(figures.redeemed),
        "outstanding": str(figures.outstanding),
        "participants": figures.participants,
        "eligible": figures.eligible,
        "participation_rate": str(figures.participation_rate),
        "children": [_figures_json(child) for child in figures.children],
    }
