"""Benchmark: redemptions per second through the real service, against a one-statement SQL floor.

Run it with ``python -m tests.bench bench_points`` (the runner makes a throwaway database). ``run()``
onboards a throwaway county (``tests/points/pack.toml`` under a random slug) in the configured
database, then measures, with the same number of worker processes (each its own connection; see
:func:`_workers`):

* ``points_redeem_hot``: every worker redeems from one passbook and one item;
* ``points_redeem_spread``: each redemption picks one of 1,000 passbooks (and one of 20 items);
* the floor: ``WITH d AS (UPDATE … SET balance = balance - x WHERE id = … AND balance >= x RETURNING id)
  INSERT … SELECT FROM d`` in autocommit, on one row and on 1,000 rows of a plain table.

Each worker loads its passbooks and items and makes one redemption (one floor statement) before the
timed window, as a long-lived server process has them in hand, its statement prepared and its
catalog cached; the operator's role is checked once, as once per request at the counter. Each
redemption's key is a random 32-digit hex string, as the counter's form carries: the form makes it
when it is rendered, not the redemption (drawn from a seeded generator, not ``uuid4``, whose system
call per key is no work of the service's).
``points_redeem_round_trips`` counts what one redemption sends on the wire (libpq's trace).
``ratio`` is service / floor, each phase run ``ROUNDS`` times in turn with the others
(:func:`_interleaved`). A final phase hammers one passbook whose balance and one item whose stock
are both short, and counts overdrafts and oversells (must be 0). The county is dropped afterwards.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

WORKERS = int(os.environ.get("CUNWU_BENCH_WORKERS", "4"))
SECONDS = float(os.environ.get("CUNWU_BENCH_SECONDS", "2"))
ROUNDS = int(os.environ.get("CUNWU_BENCH_ROUNDS", "3"))
PASSBOOKS = 1000
PACK = Path(__file__).resolve().parents[1] / "points" / "pack.toml"


def _workers(worker: Callable[[int, Callable[[], float]], int]) -> tuple[int, float]:
    """Run ``worker(index, start) -> operations`` in ``WORKERS`` processes: (operations, seconds).

    Processes, as the counter is served in production (gunicorn's sync workers, ``deploy/Procfile``
    and the Helm chart), not threads of one process, whose contention for the GIL would be measured
    instead of the service. A worker prepares what it needs (its connection, the rows it works on),
    then calls ``start()``, which waits for every other worker and returns the deadline: only the work
    after it is timed. The workers are forked, so the parent's connections are closed first: a child
    must open its own, never share the parent's socket.
    """
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(WORKERS + 1)
    counts = context.Array("q", WORKERS)

    def start() -> float:
        barrier.wait()
        return time.monotonic() + SECONDS

    def body(index: int) -> None:
        counts[index] = worker(index, start)

    processes = [context.Process(target=body, args=(i,)) for i in range(WORKERS)]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.monotonic()
    for process in processes:
        process.join()
    seconds = time.monotonic() - started
    failed = [process.exitcode for process in processes if process.exitcode]
    if failed:
        raise RuntimeError(f"benchmark workers failed with exit codes {failed}")
    return sum(counts), seconds


def _interleaved(phases: dict[str, Callable[[int, Callable[[], float]], int]]) -> dict[str, float]:
    """Operations per second of each phase, its ``ROUNDS`` runs interleaved with the other phases'.

    The machines are noisy, and a slow spell that hit only the service's phase (or only the floor's)
    would skew the ratio; taking turns spreads such a spell over both. Each rate is its rounds'
    operations over their seconds.
    """
    totals = {name: [0, 0.0] for name in phases}
    for _round in range(ROUNDS):
        for name, worker in phases.items():
            operations, seconds = _workers(worker)
            totals[name][0] += operations
            totals[name][1] += seconds
    return {name: operations / seconds for name, (operations, seconds) in totals.items()}


def _in_county(county, work: Callable[[], int]) -> int:
    from django.db import connection

    connection.set_tenant(county)
    try:
        return work()
    finally:
        connection.close()


class Bench:
    def __init__(self, county) -> None:
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from cunwu.ledger.services import transfer
        from cunwu.orgs.models import OrgUnit, Resident
        from cunwu.roles.models import RoleAssignment
        from cunwu_points.services import supermarket
        from cunwu_points.services.passbooks import passbook_for

        self.county = county
        self.village = OrgUnit.objects.get(code="hongyang")
        group = OrgUnit.objects.filter(parent=self.village).first()
        self.operator = get_user_model().objects.create_user(
            username="bench-operator", password=uuid.uuid4().hex
        )
        RoleAssignment.objects.create(user=self.operator, role="supermarket_operator", org_unit=self.village)
        year = timezone.localdate().year
        self.passbooks = []
        for index in range(PASSBOOKS):
            person = Resident.objects.create(name=f"压测{index}", group=group)
            self.passbooks.append(passbook_for(person, year))
        book = self.passbooks[0].book
        for passbook in self.passbooks:
            transfer(
                debit=book.issuance_account,
                credit=passbook.account,
                amount=Decimal("1000000"),
                memo="bench",
                actor=None,
            )
        self.items = [
            supermarket.add_item(
                self.village, actor=self.operator, name=f"商品{i}", price=Decimal("1"), stock=10**7
            )
            for i in range(20)
        ]
        self.supermarket = supermarket

    def redeem_loop(
        self, choose: Callable[[random.Random], tuple]
    ) -> Callable[[int, Callable[[], float]], int]:
        """Redemptions as the counter makes them: one operator, passbooks and items loaded beforehand."""
        from cunwu_points.models import Item, Passbook

        def worker(index: int, start: Callable[[], float]) -> int:
            def work() -> int:
                rng = random.Random(index)
                keys = random.Random(uuid.uuid4().int)  # unique to this worker's run
                passbooks = {
                    p.pk: p
                    for p in Passbook.objects.select_related(
                        "book__village", "book__redemption_account", "account"
                    )
                }
                items = {
                    i.pk: i for i in Item.objects.select_related("org_unit").filter(org_unit=self.village)
                }

                def redeem_one() -> None:
                    passbook_pk, item_pk = choose(rng)
                    self.supermarket.redeem(
                        passbooks[passbook_pk],
                        items[item_pk],
                        key=f"{keys.getrandbits(128):032x}",
                        actor=self.operator,
                    )

                redeem_one()  # untimed: a long-lived worker has prepared its statement and cached its catalog
                done = 0
                deadline = start()
                while time.monotonic() < deadline:
                    redeem_one()
                    done += 1
                return done

            return _in_county(self.county, work)

        return worker

    def floor_loop(self, rows: int) -> Callable[[int, Callable[[], float]], int]:
        def worker(index: int, start: Callable[[], float]) -> int:
            def work() -> int:
                from django.db import connection

                rng = random.Random(index)
                done = 0
                with connection.cursor() as cursor:

                    def debit_one() -> None:
                        cursor.execute(
                            "WITH d AS (UPDATE bench_floor_account SET balance = balance - %s"
                            " WHERE id = %s AND balance >= %s RETURNING id)"
                            " INSERT INTO bench_floor_entry (account_id, amount) SELECT id, %s FROM d",
                            [Decimal("1"), rng.randrange(rows) + 1, Decimal("1"), Decimal("-1")],
                        )

                    debit_one()  # untimed, as the service's first redemption
                    deadline = start()
                    while time.monotonic() < deadline:
                        debit_one()
                        done += 1
                return done

            return _in_county(self.county, work)

        return worker

    def make_floor(self, rows: int) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_floor_entry, bench_floor_account")
            cursor.execute(
                "CREATE TABLE bench_floor_account (id bigint PRIMARY KEY, balance numeric(18,2) NOT NULL"
                " CHECK (balance >= 0))"
            )
            cursor.execute(
                "CREATE TABLE bench_floor_entry (id bigserial PRIMARY KEY, account_id bigint NOT NULL,"
                " amount numeric(18,2) NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
            )
            cursor.execute(
                "INSERT INTO bench_floor_account SELECT g, 100000000 FROM generate_series(1, %s) g", [rows]
            )

    def round_trips(self) -> int:
        """Round trips one redemption makes, counted on the wire (libpq's trace of this connection).

        Every simple ``Query`` and every extended-protocol ``Sync`` the client sends waits for the
        server's answer; Django's query log would miss BEGIN, COMMIT and statements sent by psycopg directly.
        """
        from django.db import connection
        from psycopg.pq import Trace

        from cunwu_points.models import Item, Passbook

        passbook = Passbook.objects.select_related(
            "book__village", "book__redemption_account", "account"
        ).get(pk=self.passbooks[1].pk)
        item = Item.objects.select_related("org_unit").get(pk=self.items[1].pk)
        self.supermarket.redeem(passbook, item, key=uuid.uuid4().hex, actor=self.operator)  # warm caches
        pgconn = connection.connection.pgconn
        with tempfile.TemporaryFile("w+") as trace:
            pgconn.trace(trace.fileno())
            pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS | Trace.REGRESS_MODE)
            try:
                self.supermarket.redeem(passbook, item, key=uuid.uuid4().hex, actor=self.operator)
            finally:
                pgconn.untrace()
            trace.seek(0)
            messages = [line.split("\t")[2] for line in trace if line.startswith("F\t")]
        return sum(message.startswith(("Query", "Sync")) for message in messages)

    def integrity(self) -> tuple[int, int, int]:
        """Hammer a passbook short of points and an item short of stock: (accepted, overdrafts, oversells)."""
        from cunwu.ledger.services import balance
        from cunwu.ledger.services import transfer as post
        from cunwu.orgs.models import Resident
        from cunwu_points.errors import InsufficientPoints, OutOfStock
        from cunwu_points.models import Item, Passbook, Redemption
        from cunwu_points.services.passbooks import passbook_for

        year = self.passbooks[0].book.year
        person = Resident.objects.create(name="压测短缺", group=self.passbooks[0].resident.group)
        passbook = passbook_for(person, year)
        post(
            debit=passbook.book.issuance_account,
            credit=passbook.account,
            amount=Decimal("30"),
            memo="bench",
            actor=None,
        )
        item = self.supermarket.add_item(
            self.village, actor=self.operator, name="限量", price=Decimal("2"), stock=10
        )
        attempts = WORKERS * 10

        def worker(index: int, start: Callable[[], float]) -> int:
            def work() -> int:
                mine = Passbook.objects.select_related("book__village", "account").get(pk=passbook.pk)
                goods = Item.objects.select_related("org_unit").get(pk=item.pk)
                accepted = 0
                start()
                for _ in range(attempts // WORKERS):
                    try:
                        self.supermarket.redeem(mine, goods, key=uuid.uuid4().hex, actor=self.operator)
                        accepted += 1
                    except (InsufficientPoints, OutOfStock):
                        pass
                return accepted

            return _in_county(self.county, work)

        accepted, _seconds = _workers(worker)
        item.refresh_from_db()
        recorded = Redemption.objects.filter(passbook=passbook).count()
        overdrafts = int(balance(passbook.account) < 0) + max(0, recorded * 2 - 30)
        oversells = max(0, recorded - 10) + int(item.stock != 10 - recorded) + int(recorded != accepted)
        return accepted, overdrafts, oversells


def run() -> list[str]:
    from django.db import connection

    from cunwu.policy.packs import validate_pack
    from cunwu.tenancy.onboarding import onboard

    slug = "bench" + uuid.uuid4().hex[:8]
    county = onboard(
        validate_pack(PACK.read_text(encoding="utf-8").replace("pointsx", slug)), actor="bench"
    ).county
    connection.set_tenant(county)
    try:
        bench = Bench(county)
        hot_passbook, hot_item = bench.passbooks[0].pk, bench.items[0].pk
        passbook_ids = [p.pk for p in bench.passbooks]
        item_ids = [i.pk for i in bench.items]
        bench.make_floor(PASSBOOKS)
        rates = _interleaved(
            {
                "hot": bench.redeem_loop(lambda rng: (hot_passbook, hot_item)),
                "floor_hot": bench.floor_loop(1),
                "spread": bench.redeem_loop(lambda rng: (rng.choice(passbook_ids), rng.choice(item_ids))),
                "floor_spread": bench.floor_loop(PASSBOOKS),
            }
        )
        hot, floor_hot, spread, floor_spread = (
            rates[name] for name in ("hot", "floor_hot", "spread", "floor_spread")
        )
        connection.set_tenant(county)
        round_trips = bench.round_trips()
        accepted, overdrafts, oversells = bench.integrity()
        return [
            f"bench: points_redeem_hot {hot:.0f} /s ratio={hot / floor_hot:.2f} (floor {floor_hot:.0f} /s, {WORKERS} worker processes, {ROUNDS} interleaved rounds of {SECONDS:g} s)",
            f"bench: points_redeem_spread {spread:.0f} /s ratio={spread / floor_spread:.2f} "
            f"(floor {floor_spread:.0f} /s, {PASSBOOKS} passbooks)",
            f"bench: points_redeem_round_trips {round_trips} count (the floor: 1)",
            f"bench: points_overdrafts {overdrafts} count (short passbook and stock: {accepted} accepted of "
            f"{WORKERS * 10}, expected 10)",
            f"bench: points_oversells {oversells} count",
        ]
    finally:
        connection.set_schema_to_public()
        county.delete(force_drop=True)
