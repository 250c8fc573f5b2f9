"""``make run``: the whole platform on one machine, from nothing, in one command.

``python -m cunwu.devstack [pack.toml ...]`` (packs default to ``tenants/*.toml``):

1. uses ``DATABASE_URL``, else starts the embedded PostgreSQL (settings do this through ``cunwu.localdb``);
2. migrates the public schema, the county template and every existing county;
3. onboards every pack (idempotent: a re-run updates the counties, never duplicates them);
4. creates one demo account per role in each county whose pack says ``demo = true``, and a platform
   operator on the operator's host, and prints them with their (deterministic, demo-only) passwords;
5. runs a Celery worker, Celery beat and the web server on 0.0.0.0:8000 as child processes, until Ctrl-C
   (or SIGTERM) stops them all.

Running it twice is safe: every step checks what exists first.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import django

WEB_ADDRESS = "0.0.0.0:8000"
OPERATOR_USERNAME = "operator"


@dataclass(frozen=True)
class DemoAccount:
    host: str
    username: str
    password: str
    role: str


def demo_password(username: str) -> str:
    """Deterministic, and only ever given to accounts of counties marked ``demo`` in their pack."""
    return f"demo-{username}"


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate_platform", verbosity=0)


def _org_unit_for(scope: str):
    from cunwu.orgs.models import OrgUnit

    level = {
        "township": OrgUnit.Level.TOWNSHIP,
        "village": OrgUnit.Level.VILLAGE,
        "group": OrgUnit.Level.GROUP,
    }
    if scope not in level:
        return None
    return OrgUnit.objects.filter(level=level[scope]).order_by("pk").first()


def demo_accounts(county) -> list[DemoAccount]:
    """One account per role of the county (core roles and its enabled plugins' roles), granted once."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    from cunwu.roles.catalogue import roles_for
    from cunwu.roles.services import grant

    host = f"http://{county.domains.filter(is_primary=True).first().domain}:8000/"
    accounts = []
    with tenant_context(county):  # the county itself (not just its schema): its plugins' roles count
        for role in roles_for(county).values():
            if role.code == "platform_operator":
                continue  # the operator works on the operator's host (see operator_account)
            user, created = get_user_model().objects.get_or_create(
                username=role.code, defaults={"display_name": f"演示{role.name}"}
            )
            if created:
                user.set_password(demo_password(role.code))
                user.save(update_fields=["password"])
            grant(user, role.code, org_unit=_org_unit_for(role.scope), actor="devstack", reason="演示账号")
            accounts.append(DemoAccount(host, role.code, demo_password(role.code), str(role.name)))
    return accounts


def operator_account() -> DemoAccount:
    """The platform operator, a user of the public schema (the operator's host)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    connection.set_schema_to_public()
    user, created = get_user_model().objects.get_or_create(
        username=OPERATOR_USERNAME,
        defaults={"is_staff": True, "is_superuser": True, "display_name": "平台运营"},
    )
    if created:
        user.set_password(demo_password(OPERATOR_USERNAME))
        user.save(update_fields=["password"])
    return DemoAccount(
        f"http://{settings.BASE_DOMAIN}:8000/",
        OPERATOR_USERNAME,
        demo_password(OPERATOR_USERNAME),
        "平台运营",
    )


def onboard_packs(packs: list[Path]) -> list[DemoAccount]:
    from cunwu.policy.packs import PackRefused, load_pack
    from cunwu.tenancy.onboarding import onboard

    accounts = []
    for pack in packs:
        try:
            validated = load_pack(pack)
        except PackRefused as refused:
            raise SystemExit(f"{pack}: refused, nothing changed: {refused}") from refused
        result = onboard(validated, actor="devstack")
        state = "created" if result.created else "up to date" if not result.policy_changed else "updated"
        print(
            f"county {result.county.slug} ({result.county}): {state}, policy v{result.policy_version.number}"
        )
        if validated.pack.county.demo:
            accounts += demo_accounts(result.county)
    return accounts


def print_accounts(accounts: list[DemoAccount]) -> None:
    print(
        "\n演示账号 DEMO ACCOUNTS — demo counties only; these passwords are public, never use them for real data"
    )
    widths = [max(len(getattr(a, f)) for a in accounts) for f in ("host", "username", "password")]
    for a in accounts:
        print(f"  {a.host:<{widths[0]}}  {a.username:<{widths[1]}}  {a.password:<{widths[2]}}  {a.role}")
    print()


def child_commands() -> dict[str, list[str]]:
    python = sys.executable
    return {
        "worker": [python, "-m", "celery", "-A", "cunwu", "worker", "-l", "INFO", "--concurrency", "2"],
        "beat": [python, "-m", "celery", "-A", "cunwu", "beat", "-l", "INFO"],
        # --insecure: serve static files with DEBUG off, as a development server may.
        "web": [python, "-m", "django", "runserver", WEB_ADDRESS, "--noreload", "--insecure"],
    }


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def run_children() -> int:
    """Start worker, beat and web; stop all of them when one dies or on Ctrl-C / SIGTERM."""
    from cunwu import localdb

    # Children reuse this process's database instead of each joining the embedded server.
    env = {**os.environ, "DATABASE_URL": localdb.database_url(), "DJANGO_SETTINGS_MODULE": "cunwu.settings"}
    children = {name: subprocess.Popen(command, env=env) for name, command in child_commands().items()}
    # Explicit: a shell starts background jobs with SIGINT ignored, and `kill` sends SIGTERM.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    try:
        while True:
            for name, child in children.items():
                if child.poll() is not None:
                    print(f"{name} exited with {child.returncode}; stopping the others", file=sys.stderr)
                    return child.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nstopping …")
    finally:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return 0


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cunwu.settings")
    django.setup()
    from cunwu.localdb import REPO_ROOT

    args = sys.argv[1:] if argv is None else argv
    packs = [Path(a) for a in args] or sorted((REPO_ROOT / "tenants").glob("*.toml"))
    migrate()
    accounts = onboard_packs(packs)
    accounts.append(operator_account())
    print_accounts(accounts)
    print("web: http://<county>.localhost:8000/ · operator: http://localhost:8000/ · API: /api/schema/")
    return run_children()


if __name__ == "__main__":
    sys.exit(main())
