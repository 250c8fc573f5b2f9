"""State changes of the ledger: open ledgers and accounts, post and reverse transfers, seal, checkpoint.

:func:`transfer` is on the hot path of every redemption, so a posting is **one SQL statement** (a chain
of data-modifying CTEs, built once per shape in :func:`_posting_sql`): the idempotency look-up, the
check that both accounts are in the ledger, the conditional ``UPDATE … WHERE balance >= amount`` of
guarded accounts (``ledger_move``, a function so that each update is a statement of its own: see
migration 0007) and the transaction row — one row, the whole transfer (see
:mod:`cunwu.ledger.models`). Nothing is written unless everything succeeds, so a refusal needs no
savepoint and leaves the caller's transaction usable. The hash chain is *not*
touched by the posting (no ledger-wide lock): transactions are sealed into it just after commit by
:func:`seal`, which also writes each posting's audit row.
"""

from __future__ import annotations

import datetime
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

import psycopg
from django.contrib.contenttypes.models import ContentType
from django.db import (
    DEFAULT_DB_ALIAS,
    DataError,
    IntegrityError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cunwu.audit import request_info
from cunwu.audit.services import record
from cunwu.disclosure.services import post_notice
from cunwu.ledger import chain
from cunwu.ledger.errors import (
    AlreadyReversed,
    IdempotencyConflict,
    InsufficientBalance,
    InvalidPosting,
    LedgerError,
)
from cunwu.ledger.models import Account, Entry, Ledger, LedgerCheckpoint, Transaction

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999999999.99")


def open_ledger(*, code: str, name: str, kind: str, org_unit=None) -> Ledger:
    """The ledger with this code, created on first use (idempotent)."""
    if kind not in Ledger.Kind.values:
        raise InvalidPosting(_("未知的台账类型:%(kind)s") % {"kind": kind})
    ledger, _created = Ledger.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "org_unit": org_unit}
    )
    return ledger


def open_account(
    ledger: Ledger, *, code: str, name: str, owner: models.Model | None = None, allow_negative: bool = False
) -> Account:
    """The account ``code`` of ``ledger``, created on first use. ``allow_negative`` is fixed for life."""
    defaults: dict[str, Any] = {"name": name, "allow_negative": allow_negative}
    if owner is not None:
        defaults.update(owner_type=owner._meta.label_lower, owner_id=owner.pk)
    account, _created = Account.objects.get_or_create(ledger=ledger, code=code, defaults=defaults)
    return account


def balance(account: Account) -> Decimal:
    """The balance derived from the transactions (the cached ``Account.balance`` is checked against it)."""
    total = Entry.objects.filter(account=account).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else Decimal("0.00")


@cache
def _posting_sql(debit_guarded: bool, credit_guarded: bool, keyed: bool) -> bytes:
    """The one-statement posting for one shape of request; see the module docstring.

    Encoded once, here: psycopg keys its cache of parsed queries on their bytes, so a str would be
    encoded and hashed anew on every call.
    """
    ctes, gate = _prior_ctes(keyed)
    accounts, gate = _accounts_cte(gate)
    moves, moved = _move_cte(debit_guarded, credit_guarded, f"(SELECT WHERE {gate}) AS gate")
    ctes += [accounts, *moves, _transaction_cte(f"{gate} AND {moved}")]
    columns = [
        "(SELECT id FROM t)",
        "(SELECT found FROM accounts)",
        "(SELECT ok FROM moved)" if moves else "NULL",
        "(SELECT id FROM prior)" if keyed else "NULL",
        "(SELECT fingerprint FROM prior)" if keyed else "NULL",
    ]
    return ("WITH " + ",\n".join(ctes) + "\nSELECT " + ", ".join(columns)).encode()


def _prior_ctes(keyed: bool) -> tuple[list[str], str]:
    """``prior`` (the posting already made with this key, if any) and the gate of the steps after it."""
    if not keyed:
        return [], "TRUE"
    prior = (
        "prior AS (SELECT id, fingerprint FROM ledger_transaction"
        " WHERE idempotency_scope = %(scope)s::text AND idempotency_key = %(key)s::text)"
    )
    return [prior], "NOT EXISTS (SELECT 1 FROM prior)"


def _accounts_cte(gate: str) -> tuple[str, str]:
    """``accounts``: whether both accounts exist in the ledger (read without a lock; see the models).

    Accounts are never deleted nor moved to another ledger (triggers), so what this finds stays true.
    """
    # Each account's ledger is read by its primary key and compared outside the look-up, where a
    # condition on ledger_id could have the generic plan scan the ledger's accounts; two scalar
    # look-ups rather than one ``id IN (…)`` with an aggregate, which cost each posting a bitmap scan
    # and an aggregate's set-up (callgrind). A missing account reads NULL: not found.
    cte = (
        "accounts AS (SELECT coalesce("
        "(SELECT ledger_id FROM ledger_account WHERE id = %(debit)s::bigint) = %(ledger)s::bigint AND "
        "(SELECT ledger_id FROM ledger_account WHERE id = %(credit)s::bigint) = %(ledger)s::bigint,"
        " false) AS found)"
    )
    return cte, f"{gate} AND (SELECT found FROM accounts)"


def _move_cte(debit_guarded: bool, credit_guarded: bool, source: str) -> tuple[list[str], str]:
    """``moved``: the guarded balance updates (``ledger_move``, migration 0007), once per row of ``source``.

    ``source`` is a FROM clause with at most one row, so the updates run only when the steps before
    them succeeded. Returns the CTE (none when no side is guarded: the sealer folds both balances)
    and the condition that the amount moved.
    """
    if not (debit_guarded or credit_guarded):
        return [], "TRUE"
    cte = (
        "moved AS MATERIALIZED (SELECT ledger_move(%(debit)s::bigint, %(credit)s::bigint,"
        f" %(amount)s::numeric, {debit_guarded}, {credit_guarded}) AS ok FROM {source})"
    )
    return [cte], "(SELECT ok FROM moved)"


def _transaction_cte(gate: str, *, plain: bool = False) -> str:
    """The transaction row ``t``, written when ``gate`` holds.

    ``plain`` postings reverse nothing and link nothing: those columns are constants in the statement
    rather than parameters bound on every call. Nor do they say ``ON CONFLICT DO NOTHING``: they are
    the statements of :func:`transfer_with`, where a concurrent posting that won the key makes the
    statement fail instead (the caller's transactional path answers), and no posting pays for a
    speculative insertion.
    """
    if plain:
        rest, conflict = "NULL, '', NULL, ''", ""
    else:
        rest = "%(reverses)s::bigint, %(reason)s::text, %(link_type)s::integer, %(link_id)s::text"
        conflict = " ON CONFLICT DO NOTHING"
    return (
        "t AS (INSERT INTO ledger_transaction (ledger_id, debit_id, credit_id, amount, memo, actor_id,"
        " actor_name, created_at, ip_address, user_agent, idempotency_scope, idempotency_key, fingerprint,"
        " reverses_id, reason, link_type_id, link_id, prev_hash, hash)"
        " SELECT %(ledger)s::bigint, %(debit)s::bigint, %(credit)s::bigint, %(amount)s::numeric,"
        " %(memo)s::text, %(actor_id)s::bigint, %(actor_name)s::text, %(created_at)s::timestamptz,"
        " %(ip)s::inet, %(agent)s::text, %(scope)s::text, %(key)s::text, %(fingerprint)s::text,"
        f" {rest}, '', '' WHERE {gate}{conflict} RETURNING id)"
    )


class _PreparedCursor(threading.local):
    """This thread's cursor for prepared statements, its connection, and whether that keeps generic plans."""

    raw: psycopg.Connection | None = None
    cursor: psycopg.Cursor | None = None
    generic_plans = False


_prepared = _PreparedCursor()


def _fetch_one_prepared(db: BaseDatabaseWrapper, sql: bytes, params: dict[str, Any]) -> tuple | None:
    """Run ``sql`` as a server-side prepared statement: parsed and planned once per connection.

    Django's cursors bind parameters client-side, so the posting would be planned on every call (as long
    as it takes to run). Django also turns psycopg's statement preparation off (``prepare_threshold``
    None, under which even ``prepare=True`` is ignored), so it is enabled for this one call only.
    The county's search_path must be set on the connection first: a Django cursor is opened for that
    (django-tenants sets it) only when the connection is new or has changed county since; PostgreSQL
    re-plans a prepared statement whenever search_path has changed, so a connection that moves between
    counties never runs one county's plan in another. PostgreSQL would re-plan these statements on
    every call anyway (custom plans: the generic one is estimated dearer, yet runs as fast), so the
    connection is told once, outside any transaction, to keep the generic plan; only server-side
    prepared statements are affected, and Django's connections prepare none but these. One psycopg
    cursor per connection is kept for them (a new one per call cost as much as binding the
    parameters). Errors are raised as Django's database exceptions, as through any other cursor.
    ``db`` is the caller's connection (``connections[alias]``): each look-up of it, or of an attribute
    of the ``connection`` proxy, reads a thread-critical local, dear on a hot path.
    """
    if db.connection is None or getattr(db, "search_path_set_schemas", None) is None:
        with db.cursor():
            pass
    db.validate_no_broken_transaction()
    raw, state = db.connection, _prepared
    with db.wrap_database_errors:
        if state.raw is not raw:
            state.raw, state.cursor, state.generic_plans = raw, psycopg.Cursor(raw), False
        if not state.generic_plans and not db.in_atomic_block:
            raw.execute("SET plan_cache_mode = force_generic_plan")
            state.generic_plans = True
        threshold, raw.prepare_threshold = raw.prepare_threshold, sys.maxsize
        try:
            state.cursor.execute(sql, params, prepare=True)
            return state.cursor.fetchone()
        finally:
            raw.prepare_threshold = threshold


def _check_request(debit: Account, credit: Account, amount: Decimal, memo: str) -> None:
    if not isinstance(amount, Decimal):
        raise InvalidPosting(_("金额必须是 Decimal(不接受浮点数)"))
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(CENT):
        raise InvalidPosting(_("金额必须为正数且最多两位小数:%(amount)s") % {"amount": amount})
    if debit.pk == credit.pk:
        raise InvalidPosting(_("借贷双方不能是同一账户"))
    if debit.ledger_id != credit.ledger_id:
        raise InvalidPosting(_("借贷双方必须属于同一台账"))
    if not memo.strip():
        raise InvalidPosting(_("摘要不能为空"))


def _actor_fields(actor: Any) -> tuple[int | None, str, str]:
    """(user id, display name, idempotency scope) of a user, a named system actor or None."""
    if actor is None:
        return None, "system", "system"
    if isinstance(actor, str):
        return None, actor[:150], f"system:{actor}"[:40]
    actor_id = actor.pk
    return actor_id, str(actor)[:150], f"user:{actor_id}"


class ComposedPosting(NamedTuple):
    """What :func:`transfer_with` wrote: the transaction, the caller's ``follow`` row, and their time."""

    transaction_id: int
    follow_id: Any
    created_at: datetime.datetime


@dataclass(frozen=True)
class _Outcome:
    transaction: Transaction | None = None
    error: LedgerError | None = None


def _posting_params(
    debit: Account,
    credit: Account,
    amount: Decimal,
    memo: str,
    actor: Any,
    idempotency_key: str | None,
    reverses: Transaction | None = None,
    reason: str = "",
    link: models.Model | None = None,
) -> dict[str, Any]:
    """The parameters of the posting statement (a checked request), fingerprint and request included."""
    actor_id, actor_name, scope = _actor_fields(actor)
    request = request_info.current_request()
    debit_id, credit_id, ledger_id = debit.pk, credit.pk, debit.ledger_id
    reverses_id = reverses.pk if reverses else None
    link_type_id, link_id, link_label = None, "", None
    if link is not None:
        link_type_id = ContentType.objects.get_for_model(link).pk
        link_id, link_label = str(link.pk), f"{link._meta.label_lower}:{link.pk}"
    return {
        "scope": scope,
        "key": idempotency_key,
        "debit": debit_id,
        "credit": credit_id,
        "amount": amount,
        "ledger": ledger_id,
        "memo": memo,
        "actor_id": actor_id,
        "actor_name": actor_name,
        "created_at": timezone.now(),
        "ip": request_info.client_ip(request) if request is not None else None,
        "agent": request_info.user_agent(request) if request is not None else "",
        "reverses": reverses_id,
        "reason": reason,
        "link_type": link_type_id,
        "link_id": link_id,
        "fingerprint": chain.fingerprint(
            ledger_id=ledger_id,
            debit_id=debit_id,
            credit_id=credit_id,
            amount=amount,
            memo=memo,
            reverses_id=reverses_id,
            reason=reason,
            link=link_label,
        ),
    }


def transfer(
    *,
    debit: Account,
    credit: Account,
    amount: Decimal,
    memo: str,
    actor: Any,
    idempotency_key: str | None = None,
    reverses: Transaction | None = None,
    reason: str = "",
    link: models.Model | None = None,
) -> Transaction:
    """Move ``amount`` from ``debit`` (its balance goes down) to ``credit``; see the module docstring.

    ``actor`` is a user (the posting is audited when it is sealed), a string naming a system actor, or
    None. Raises :class:`InsufficientBalance`, :class:`IdempotencyConflict`, :class:`AlreadyReversed`
    or :class:`InvalidPosting`; a refused posting writes nothing.
    """
    _check_request(debit, credit, amount, memo)
    params = _posting_params(debit, credit, amount, memo, actor, idempotency_key, reverses, reason, link)
    scope, fingerprint = params["scope"], params["fingerprint"]
    debit_guarded, credit_guarded = not debit.allow_negative, not credit.allow_negative
    sql = _posting_sql(debit_guarded, credit_guarded, idempotency_key is not None)
    # savepoint=False: a refusal is decided inside the block but raised after it (the statement wrote
    # nothing), so refusing never costs a savepoint nor poisons the caller's transaction.
    with transaction.atomic(savepoint=False):
        txn_id, found, moved, prior_id, prior_fingerprint = _fetch_one_prepared(
            connections[DEFAULT_DB_ALIAS], sql, params
        )
        if txn_id is not None:
            outcome = _Outcome(transaction=_posted(txn_id, params, actor, reverses))
            transaction.on_commit(_sealer_for(debit.ledger_id), robust=True)
        elif prior_id is not None:
            outcome = _replay(prior_id, prior_fingerprint, fingerprint, idempotency_key)
        elif not found:
            outcome = _Outcome(error=InvalidPosting(_("借贷双方必须属于同一台账")))
        elif moved is False:
            outcome = _Outcome(error=InsufficientBalance(debit, amount))
        else:
            if moved:
                _undo_guarded(params, debited=debit_guarded, credited=credit_guarded)
            outcome = _after_insert_conflict(scope, idempotency_key, fingerprint, reverses)
    if outcome.error is not None:
        raise outcome.error
    return outcome.transaction


def transfer_with(
    *,
    debit: Account,
    credit: Account,
    amount: Decimal,
    memo: str,
    actor: Any,
    idempotency_key: str,
    follow: str,
    follow_params: dict[str, Any],
) -> ComposedPosting | None:
    """:func:`transfer` and the caller's own writes in **one statement**, its own transaction.

    For hot paths that would otherwise pay BEGIN and COMMIT round trips around a posting (the points
    counter). ``follow`` is more CTEs placed after the transaction row and before its balance updates
    (see :func:`_composed_sql`); they may use ``t`` (the new transaction's id) and the posting's own
    parameters (``%(amount)s``, ``%(actor_id)s``, ``%(created_at)s``, the time the caller's rows share
    with the posting), and must end with one named
    ``follow`` returning one row (its ``id``) when the caller's writes succeeded.

    Only the common case is settled here: the result is a :class:`ComposedPosting` when everything
    was written (the caller builds what it returns from what it wrote; nothing is read back). ``None``
    means nothing was written and the caller takes its transactional path, which gives the precise
    answer: when already inside a transaction, when the key was used before or a concurrent request
    won it (the statement fails with a unique violation; ``follow``'s inserts may fail so too), or
    when the accounts, the balance or the caller's writes fell short after the rows were written —
    the statement then raises a division by zero on purpose, so PostgreSQL rolls all of it back.
    """
    db = connections[DEFAULT_DB_ALIAS]  # looked up once: see _fetch_one_prepared
    if db.in_atomic_block or actor is None or isinstance(actor, str):
        return None
    _check_request(debit, credit, amount, memo)
    params = _posting_params(debit, credit, amount, memo, actor, idempotency_key)
    if set(params) & set(follow_params):
        raise ValueError("follow_params clash with the posting's parameters")
    params.update(follow_params)
    sql = _composed_sql(not debit.allow_negative, not credit.allow_negative, follow)
    try:
        row = _fetch_one_prepared(db, sql, params)
    except DataError as exc:
        if isinstance(exc.__cause__, psycopg.errors.DivisionByZero):
            return None
        raise
    except IntegrityError as exc:
        if isinstance(exc.__cause__, psycopg.errors.UniqueViolation):
            return None
        raise
    if row is None:  # the transaction was not written (the accounts are not both the ledger's)
        return None
    txn_id, follow_id, _settled = row
    _seal_after_commit.run(db.schema_name, debit.ledger_id)  # committed already: autocommit
    return ComposedPosting(txn_id, follow_id, params["created_at"])


@cache
def _composed_sql(debit_guarded: bool, credit_guarded: bool, follow: str) -> bytes:
    """The posting and ``follow``, with the balance updates **last** (encoded, as :func:`_posting_sql`).

    A guarded account's row stays locked from its update to the commit; at a counter that row is one
    passbook redeemed from again and again, so the update comes after every insert (and ``follow``'s
    own conditional stock update), leaving only the commit inside the lock. The price is paid by a
    refusal: the rows are written first, ``ledger_move`` refuses, and the division by zero rolls all
    of it back (the caller's transactional path then gives the precise answer). A ``follow`` that
    updates a row others wait for should do it in a function too (as ``ledger_move`` does; migration
    0007 says why).
    """
    # No look-up of a prior posting with the key: the key's unique index refuses a replay by itself.
    accounts, gate = _accounts_cte("TRUE")
    moves, moved = _move_cte(debit_guarded, credit_guarded, "(SELECT FROM follow LIMIT 1) AS f")
    ctes = [accounts, _transaction_cte(gate, plain=True), follow, *moves]
    # One row when the transaction was written (none otherwise: nothing else was), joined to the
    # caller's row, the balance updates evaluated last, in its projection. No aggregates: each cost
    # the statement an aggregate's set-up (callgrind).
    done = f"f.id IS NOT NULL AND coalesce({moved}, false)"
    return (
        "WITH "
        + ",\n".join(ctes)
        + f"\nSELECT t.id, f.id, 1 / ({done})::integer FROM t LEFT JOIN follow AS f ON TRUE"
    ).encode()


def _posted(txn_id: int, params: dict[str, Any], actor: Any, reverses: Transaction | None) -> Transaction:
    """The new Transaction, built from what was written (no read-back)."""
    txn = Transaction(
        id=txn_id,
        ledger_id=params["ledger"],
        debit_id=params["debit"],
        credit_id=params["credit"],
        amount=params["amount"],
        memo=params["memo"],
        actor_id=params["actor_id"],
        actor_name=params["actor_name"],
        created_at=params["created_at"],
        ip_address=params["ip"],
        user_agent=params["agent"],
        idempotency_scope=params["scope"],
        idempotency_key=params["key"],
        fingerprint=params["fingerprint"],
        reverses=reverses,
        reason=params["reason"],
        link_type_id=params["link_type"],
        link_id=params["link_id"],
    )
    if params["actor_id"] is not None:
        txn.actor = actor
    txn._state.adding = False
    txn._state.db = connection.alias
    return txn


def _replay(prior_id: int, prior_fingerprint: str, fingerprint: str, key: str | None) -> _Outcome:
    if prior_fingerprint != fingerprint:
        return _Outcome(error=IdempotencyConflict(key or ""))
    return _Outcome(transaction=Transaction.objects.get(pk=prior_id))


def _undo_guarded(params: dict[str, Any], *, debited: bool, credited: bool) -> None:
    """Take back this statement's balance updates (their rows are still locked by this transaction)."""
    with connection.cursor() as cursor:
        if debited:
            cursor.execute(
                "UPDATE ledger_account SET balance = balance + %s WHERE id = %s",
                [params["amount"], params["debit"]],
            )
        if credited:
            cursor.execute(
                "UPDATE ledger_account SET balance = balance - %s WHERE id = %s",
                [params["amount"], params["credit"]],
            )


def _after_insert_conflict(
    scope: str, key: str | None, fingerprint: str, reverses: Transaction | None
) -> _Outcome:
    """A concurrent posting won the unique key (or the reversal): return its result, or refuse."""
    if key is not None:
        winner = Transaction.objects.filter(idempotency_scope=scope, idempotency_key=key).first()
        if winner is not None:
            return _replay(winner.pk, winner.fingerprint, fingerprint, key)
    if reverses is not None:
        return _Outcome(error=AlreadyReversed(reverses))
    return _Outcome(error=LedgerError(_("记账冲突,请重试")))


def reverse(
    original: Transaction, *, reason: str, actor: Any, idempotency_key: str | None = None
) -> Transaction:
    """Post the compensating transaction of ``original`` (a transaction is reversed at most once)."""
    if not reason.strip():
        raise InvalidPosting(_("冲正必须说明原因"))
    if Transaction.objects.filter(reverses=original).exists():
        raise AlreadyReversed(original)
    return transfer(
        debit=original.credit,
        credit=original.debit,
        amount=original.amount,
        memo=(_("冲正 #%(id)s:%(memo)s") % {"id": original.pk, "memo": original.memo})[:200],
        actor=actor,
        idempotency_key=idempotency_key,
        reverses=original,
        reason=reason,
    )


def seal(ledger: Ledger | int) -> int:
    """Seal committed, unsealed transactions into the chain; the count, or -1 if another sealer is at work.

    The same statement writes the audit row of every posting it seals that a person made (migration
    0006), so the audit trail lists a posting once it is sealed — right after it commits, at the
    latest within a minute (the periodic task).

    Called after every posting commits; also by :func:`record_checkpoint`, the verifier and the
    periodic task, so postings left pending by a skipped seal are sealed soon after. In its own
    transaction the seal commits asynchronously (migration 0003); inside a caller's transaction it
    never changes how that transaction commits.
    """
    ledger_id = ledger.pk if isinstance(ledger, Ledger) else ledger
    audit_type = ContentType.objects.get_for_model(Transaction, for_concrete_model=False).pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ledger_seal(%s, %s, %s)", [ledger_id, not connection.in_atomic_block, audit_type]
        )
        return cursor.fetchone()[0]


class _SealThrottle:
    """Post-commit sealing: per ledger, at most one seal at a time and one per ``INTERVAL`` per process.

    Sealing after every single posting cost each posting a round trip; a seal takes every committed
    posting pending at that moment, so under load one seal per interval keeps the chain as current
    while postings pay nothing. Postings committed inside the interval are taken by the next one after it,
    by the verifier, a checkpoint, or the periodic :func:`cunwu.ledger.tasks.seal_all`.
    """

    INTERVAL = 0.2  # seconds

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._busy: set[tuple[str, int]] = set()
        self._last: dict[tuple[str, int], float] = {}

    def run(self, schema: str, ledger_id: int) -> None:
        """Seal ledger ``ledger_id`` of county ``schema`` (the connection's) unless it is too soon."""
        key = (schema, ledger_id)
        now = time.monotonic()
        with self._lock:
            if key in self._busy or now - self._last.get(key, -self.INTERVAL) < self.INTERVAL:
                return
            self._busy.add(key)
            self._last[key] = now
        try:
            seal(ledger_id)
        finally:
            with self._lock:
                self._busy.discard(key)


_seal_after_commit = _SealThrottle()


def _sealer_for(ledger_id: int) -> Callable[[], None]:
    """The post-commit seal of one ledger as a named function (``on_commit`` logs a failure by name)."""

    def seal_after_commit() -> None:
        _seal_after_commit.run(connection.schema_name, ledger_id)

    return seal_after_commit


def head(ledger: Ledger) -> tuple[int, str]:
    """(sequence, hash) of the last sealed transaction; (0, genesis) for an empty ledger."""
    last = (
        Transaction.objects.filter(ledger=ledger, sequence__isnull=False)
        .order_by("-sequence")
        .values_list("sequence", "hash")
        .first()
    )
    return last if last is not None else (0, chain.GENESIS_HASH)


def record_checkpoint(ledger: Ledger, *, actor: Any = None) -> LedgerCheckpoint:
    """Seal, then record the chain's head (the latest checkpoint again when nothing was added)."""
    seal(ledger)
    sequence, head_hash = head(ledger)
    latest = ledger.checkpoints.order_by("-sequence", "-id").first()
    if latest is not None and latest.sequence == sequence and latest.head_hash == head_hash:
        return latest
    with transaction.atomic():
        checkpoint = LedgerCheckpoint.objects.create(ledger=ledger, sequence=sequence, head_hash=head_hash)
        if actor is not None and not isinstance(actor, str):
            record(actor=actor, action="ledger.checkpoint", target=checkpoint, after={"sequence": sequence})
    return checkpoint


def publish_checkpoint(checkpoint: LedgerCheckpoint, *, actor: Any, org_unit=None, min_days: int = 7):
    """Post a 公示 quoting the checkpoint's head hash, so that anyone can later check the history.

    The notice concerns the ledger's org unit (a county-wide ledger must name one). Returns the Notice.
    """
    ledger = checkpoint.ledger
    unit = org_unit or ledger.org_unit
    if unit is None:
        raise InvalidPosting(_("县级台账的检查点须指定公示单位"))
    body = _(
        "%(ledger)s(代码 %(code)s)截至 %(time)s 共 %(sequence)s 条分录,链头哈希为:\n%(hash)s\n\n"
        "此后对这段历史的任何修改、删除、插入或调换顺序,都会使校验结果与此哈希不符。"
    ) % {
        "ledger": ledger.name,
        "code": ledger.code,
        "time": timezone.localtime(checkpoint.created_at).strftime("%Y-%m-%d %H:%M"),
        "sequence": checkpoint.sequence,
        "hash": checkpoint.head_hash,
    }
    return post_notice(
        org_unit=unit,
        title=_("%(ledger)s 台账检查点(序号 %(sequence)s)")
        % {"ledger": ledger.name, "sequence": checkpoint.sequence},
        body=body,
        min_days=min_days,
        actor=actor,
        subject=checkpoint,
        kind="ledger_checkpoint",
    )
