"""``manage.py migrate_platform``: the public schema, the county template, every county, the spare pool.

The order matters: counties are copied from the template (``tenancy.schema_factory``), and
``migrate_schemas`` alone does not migrate a template that is not a tenant. Spare schemas
(``tenancy.schema_pool``) are not counties either: after a release added a migration they are stale, so
the refill drops them and builds new ones from the migrated template. Run it on every release, before
the new code serves requests (the Helm chart runs it as a pre-upgrade job).
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from cunwu.tenancy.schema_factory import ensure_template_current
from cunwu.tenancy.schema_pool import refill_schema_pool


class Command(BaseCommand):
    help = "Migrate the public schema, the county template and every county; renew the spare schemas."

    def handle(self, *args, **options) -> None:
        verbosity = options["verbosity"]
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        ensure_template_current()
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=verbosity)
        refill = refill_schema_pool()
        if verbosity:
            self.stdout.write(f"Spare schemas: {refill.created} built, {refill.dropped} dropped.")
