"""``manage.py verify_ledgers [--county slug]``: verify every ledger's chain; exit status 1 if one is bad."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name, schema_context

from cunwu.ledger.models import Ledger
from cunwu.ledger.verify import verify_ledger
from cunwu.tenancy.models import County


class Command(BaseCommand):
    help = "Verify the hash chains, fingerprints, accounts, checkpoints and cached balances of ledgers."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--county", help="the county's slug (default: every county)")

    def handle(self, *args, county: str | None = None, **options) -> None:
        counties = County.objects.exclude(schema_name=get_public_schema_name()).order_by("slug")
        if county:
            counties = counties.filter(slug=county)
            if not counties.exists():
                raise CommandError(f"no county {county!r}")
        bad = 0
        for each in counties:
            with schema_context(each.schema_name):
                for ledger in Ledger.objects.order_by("code"):
                    report = verify_ledger(ledger)
                    if report.ok:
                        self.stdout.write(
                            f"{each.slug} {ledger.code}: OK, {report.transactions_checked} transactions, "
                            f"head {report.head_sequence} {report.head_hash}"
                        )
                    else:
                        bad += 1
                        self.stdout.write(
                            self.style.ERROR(
                                f"{each.slug} {ledger.code}: BAD at transaction {report.first_bad_transaction_id} "
                                f"(sequence {report.first_bad_sequence}): {report.reason}"
                            )
                        )
        if bad:
            raise CommandError(f"{bad} ledger(s) failed verification", returncode=1)
