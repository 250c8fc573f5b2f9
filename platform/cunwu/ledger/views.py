"""Pages of the ledger: ledgers, an account's statement (with .xlsx), verification, checkpoints."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet, Sum, Window
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunwu.exports import xlsx_response
from cunwu.ledger import selectors, services
from cunwu.ledger.errors import InvalidPosting
from cunwu.ledger.exports import statement_workbook
from cunwu.ledger.models import Account, Entry, LedgerCheckpoint, Transaction
from cunwu.ledger.verify import verify_ledger
from cunwu.roles.permissions import role_required

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
# Transactions shown on each side of the first bad one on the verification page.
CONTEXT_TRANSACTIONS = 5


def _page(request: HttpRequest, queryset: QuerySet):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _search(queryset: QuerySet, q: str) -> QuerySet:
    return queryset.filter(Q(code__icontains=q) | Q(name__icontains=q)) if q else queryset


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Ledgers for finance offices and supervisors; one's own accounts (积分存折…) for everyone."""
    q = request.GET.get("q", "").strip()
    reader = selectors.is_reader(request.user)
    ledgers = _search(selectors.visible_ledgers(request.user), q).order_by("code") if reader else None
    own = Account.objects.filter(
        owner_type=selectors.RESIDENT_OWNER, owner_id=getattr(request.user, "resident_id", None)
    ).select_related("ledger")
    return render(
        request,
        "ledger/index.html",
        {"page": _page(request, ledgers) if reader else None, "own_accounts": own, "q": q, "reader": reader},
    )


@role_required(*selectors.READER_ROLES)
def ledger_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ledger = get_object_or_404(selectors.visible_ledgers(request.user), pk=pk)
    q = request.GET.get("q", "").strip()
    accounts = _search(ledger.accounts.all(), q).order_by("code")
    sequence, head_hash = services.head(ledger)
    return render(
        request,
        "ledger/ledger_detail.html",
        {
            "ledger": ledger,
            "page": _page(request, accounts),
            "q": q,
            "head_sequence": sequence,
            "head_hash": head_hash,
            "pending": ledger.transactions.filter(sequence__isnull=True).count(),
        },
    )


def _statement(account: Account) -> QuerySet[Entry]:
    """The account's entries with the balance after each one (a window sum in the database)."""
    return (
        Entry.objects.filter(account=account)
        .select_related("transaction")
        .annotate(running=Window(Sum("amount"), order_by=F("id").asc()))
    )


@login_required
def account_statement(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(selectors.visible_accounts(request.user).select_related("ledger"), pk=pk)
    entries = _statement(account)
    if request.GET.get("format") == "xlsx":
        content = statement_workbook(account, entries.order_by("id")[:EXPORT_LIMIT])
        return xlsx_response(content, f"{account.code}-{timezone.localdate():%Y%m%d}.xlsx")
    return render(
        request,
        "ledger/account_statement.html",
        {
            "account": account,
            "page": _page(request, entries.order_by("-id")),
            "balance": services.balance(account),
        },
    )


@role_required(*selectors.READER_ROLES)
def verification(request: HttpRequest, pk: int) -> HttpResponse:
    ledger = get_object_or_404(selectors.visible_ledgers(request.user), pk=pk)
    report = verify_ledger(ledger)
    around: QuerySet[Transaction] | list[Transaction] = []
    if report.first_bad_sequence is not None:
        low = report.first_bad_sequence - CONTEXT_TRANSACTIONS
        high = report.first_bad_sequence + CONTEXT_TRANSACTIONS
        around = (
            ledger.transactions.filter(sequence__gte=low, sequence__lte=high)
            .select_related("debit", "credit")
            .order_by("sequence", "id")
        )
    return render(request, "ledger/verification.html", {"ledger": ledger, "report": report, "around": around})


@role_required(*selectors.READER_ROLES)
def checkpoints(request: HttpRequest, pk: int) -> HttpResponse:
    ledger = get_object_or_404(selectors.visible_ledgers(request.user), pk=pk)
    return render(
        request,
        "ledger/checkpoints.html",
        {
            "ledger": ledger,
            "page": _page(request, ledger.checkpoints.order_by("-id")),
            "can_record": selectors.can_record_checkpoint(request.user, ledger),
        },
    )


@require_POST
@role_required(*selectors.CHECKPOINT_ROLES)
def record_checkpoint(request: HttpRequest, pk: int) -> HttpResponse:
    ledger = get_object_or_404(selectors.visible_ledgers(request.user), pk=pk)
    if not selectors.can_record_checkpoint(request.user, ledger):
        raise PermissionDenied
    checkpoint = services.record_checkpoint(ledger, actor=request.user)
    messages.success(
        request, _("已记录检查点:序号 %(sequence)s,链头哈希 %(hash)s") % {
            "sequence": checkpoint.sequence, "hash": checkpoint.head_hash,
        },
    )  # fmt: skip
    return redirect("ledger:checkpoints", pk=ledger.pk)


@require_POST
@role_required(*selectors.CHECKPOINT_ROLES)
def publish_checkpoint(request: HttpRequest, pk: int) -> HttpResponse:
    checkpoint = get_object_or_404(
        LedgerCheckpoint.objects.filter(ledger__in=selectors.visible_ledgers(request.user)).select_related(
            "ledger"
        ),
        pk=pk,
    )
    if not selectors.can_record_checkpoint(request.user, checkpoint.ledger):
        raise PermissionDenied
    try:
        notice = services.publish_checkpoint(checkpoint, actor=request.user)
    except InvalidPosting as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已发布公示:%(title)s") % {"title": notice.title})
    return redirect("ledger:checkpoints", pk=checkpoint.ledger_id)
