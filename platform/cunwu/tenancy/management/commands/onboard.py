"""``manage.py onboard tenants/<pack>.toml [...]``: create or update counties from policy packs."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cunwu.policy.packs import PackRefused
from cunwu.tenancy.onboarding import onboard_file


class Command(BaseCommand):
    help = "Onboard counties from policy packs (idempotent: a re-run updates, never duplicates)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("packs", nargs="+", type=Path)

    def handle(self, *args, packs: list[Path], **options) -> None:
        for pack in packs:
            try:
                result = onboard_file(pack, actor="manage.py onboard")
            except PackRefused as refused:
                heading = _("政策包被拒绝，未做任何改动")
                lines = "\n".join(f"  - {problem}" for problem in refused.problems)
                raise CommandError(f"{pack}: {heading}:\n{lines}") from refused
            state = "created" if result.created else "updated"
            policy = f"policy v{result.policy_version.number}" + (" (new)" if result.policy_changed else "")
            self.stdout.write(f"{result.county.slug}: {state}, {policy}")
