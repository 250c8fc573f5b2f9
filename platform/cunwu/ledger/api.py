"""REST endpoints of the ledger: read ledgers, accounts and transactions; verify; record checkpoints.

Postings themselves are made by the modules that own them (points redemptions, fund payments), each
through its own endpoint and rules; this API is for checking the books.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cunwu.ledger import selectors, services
from cunwu.ledger.errors import InvalidPosting
from cunwu.ledger.models import Account, Ledger, LedgerCheckpoint, Transaction
from cunwu.ledger.verify import verify_ledger
from cunwu.roles.permissions import RolePermission


class LedgerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ledger
        fields = ["id", "code", "name", "kind", "org_unit", "created_at"]


class AccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = Account
        fields = ["id", "ledger", "code", "name", "owner_type", "owner_id", "allow_negative", "balance"]


class TransactionSerializer(serializers.ModelSerializer):
    debit_code = serializers.CharField(source="debit.code", read_only=True)
    credit_code = serializers.CharField(source="credit.code", read_only=True)

    class Meta:
        model = Transaction
        fields = [
            "id",
            "ledger",
            "debit",
            "debit_code",
            "credit",
            "credit_code",
            "amount",
            "memo",
            "actor_name",
            "created_at",
            "reverses",
            "reason",
            "fingerprint",
            "sequence",
            "prev_hash",
            "hash",
        ]


class CheckpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerCheckpoint
        fields = ["id", "ledger", "sequence", "head_hash", "created_at"]
        read_only_fields = ["sequence", "head_hash", "created_at"]


class PublishedNoticeSerializer(serializers.Serializer):
    notice = serializers.IntegerField()
    url = serializers.CharField()


class LedgerVerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    first_bad_transaction_id = serializers.IntegerField(allow_null=True)
    first_bad_sequence = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    transactions_checked = serializers.IntegerField()
    checkpoints_checked = serializers.IntegerField()
    head_sequence = serializers.IntegerField()
    head_hash = serializers.CharField()
    balance_mismatches = serializers.ListField(child=serializers.DictField())


class TransactionFilter(django_filters.FilterSet):
    account = django_filters.NumberFilter(method="filter_account", label="account")
    created_from = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_to = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = Transaction
        fields = ["ledger", "account", "created_from", "created_to"]

    def filter_account(self, queryset, name: str, value: int):
        """Transactions on either side of the account."""
        return queryset.filter(Q(debit=value) | Q(credit=value))


class LedgerViewSet(viewsets.ReadOnlyModelViewSet):
    """台账: finance offices and supervisory committees of the ledger's org unit."""

    serializer_class = LedgerSerializer
    permission_classes = [RolePermission.for_roles(*selectors.READER_ROLES)]
    filterset_fields = ["kind", "org_unit"]
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "created_at"]

    def get_queryset(self):
        return selectors.visible_ledgers(self.request.user).order_by("code")

    @extend_schema(responses=LedgerVerificationSerializer)
    @action(detail=True)
    def verify(self, request: Request, pk: str | None = None) -> Response:
        """Seal pending transactions, recompute the chain and report the first bad transaction."""
        return Response(LedgerVerificationSerializer(verify_ledger(self.get_object())).data)


class AccountViewSet(viewsets.ReadOnlyModelViewSet):
    """账户 with cached balances; a villager sees only the accounts of their own resident record."""

    serializer_class = AccountSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["ledger", "owner_type", "owner_id", "allow_negative"]
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "balance"]

    def get_queryset(self):
        return selectors.visible_accounts(self.request.user).order_by("ledger_id", "code")


class TransactionViewSet(viewsets.ReadOnlyModelViewSet):
    """交易 (each moves an amount from its debit to its credit account); filter by ledger, account, time."""

    serializer_class = TransactionSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = TransactionFilter
    search_fields = ["memo", "reason"]
    ordering_fields = ["created_at", "id"]

    def get_queryset(self):
        return (
            selectors.visible_transactions(self.request.user)
            .select_related("debit", "credit")
            .order_by("-id")
        )


class CheckpointViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """检查点 (published chain heads). POST records the current head of ``ledger`` (finance office)."""

    serializer_class = CheckpointSerializer
    permission_classes = [RolePermission.for_roles(*selectors.READER_ROLES)]
    filterset_fields = ["ledger"]
    ordering_fields = ["created_at", "sequence"]

    def get_queryset(self):
        return LedgerCheckpoint.objects.filter(
            ledger__in=selectors.visible_ledgers(self.request.user)
        ).order_by("-id")

    @extend_schema(request=None, responses=PublishedNoticeSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Post a 公示 quoting this checkpoint's head hash (finance office of the ledger's unit)."""
        checkpoint = self.get_object()
        if not selectors.can_record_checkpoint(request.user, checkpoint.ledger):
            raise PermissionDenied
        try:
            notice = services.publish_checkpoint(checkpoint, actor=request.user)
        except InvalidPosting as exc:
            raise ValidationError(str(exc)) from exc
        data = {"notice": notice.pk, "url": notice.get_public_url()}
        return Response(PublishedNoticeSerializer(data).data, status=status.HTTP_201_CREATED)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ledger = get_object_or_404(
            selectors.visible_ledgers(request.user), pk=serializer.validated_data["ledger"].pk
        )
        if not selectors.can_record_checkpoint(request.user, ledger):
            raise PermissionDenied
        checkpoint = services.record_checkpoint(ledger, actor=request.user)
        return Response(self.get_serializer(checkpoint).data, status=status.HTTP_201_CREATED)
