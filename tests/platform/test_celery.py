"""Celery: a real worker runs a plugin's periodic task in the county's own schema, and only where it is on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from cunwu.audit.models import AuditEntry
from cunwu.celery import app
from cunwu.plugins.periodic import PluginAwareScheduler, plugin_beat_schedule
from cunwu.tenancy.models import County
from tests.platform.conftest import set_plugin

pytestmark = pytest.mark.worker


def _broker_options(folder: Path) -> dict[str, object]:
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }


def _database_url() -> str:
    """The test database (the worker must see what this test commits), as a URL for settings."""
    db = connection.settings_dict
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host", "")
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    if host.startswith("/"):
        return f"postgresql://{db['USER']}{password}@/{db['NAME']}?host={host}"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{db['USER']}{password}@{host}{port}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """A real ``celery -A cunwu worker`` process on a filesystem broker of its own, using the test database."""
    env = {**os.environ, "DATABASE_URL": _database_url(), "CUNWU_VAR": str(tmp_path)}
    env.pop("SENTRY_DSN", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cunwu",
            "worker",
            "-P",
            "solo",
            "-l",
            "INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield _broker_options(tmp_path / "broker")
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
        print(output)  # shown by pytest when the test failed


def _ticks(county: County) -> int:
    with schema_context(county.schema_name):
        return AuditEntry.objects.filter(action="hello.tick").count()


def test_plugin_entries_are_named_and_tagged_by_plugin(db):
    """Beat knows each plugin's entries under ``<slug>:<name>``, tagged so they reach enabling counties only."""
    schedule = plugin_beat_schedule()
    entry = schedule["hello:hello-tick"]
    assert entry["task"] == "cunwu_hello.tasks.tick"
    assert entry["options"]["headers"] == {"_cunwu_plugin": "hello"}


def test_the_scheduler_sends_a_plugin_entry_only_where_the_plugin_is_on(hello_in_a, county_b):
    from cunwu.plugins.periodic import counties_for_entry

    connection.set_schema_to_public()
    counties = counties_for_entry(County.objects.all(), {"_cunwu_plugin": "hello"})
    assert list(counties.values_list("slug", flat=True)) == ["alpha"]
    core = counties_for_entry(County.objects.all(), {})
    assert {"alpha", "beta"} <= set(core.values_list("slug", flat=True))


def test_a_plugin_schedule_runs_in_the_enabling_county_only(committed_county, worker):
    """Beat sends the hello plugin's entry to the county that enables it; the worker runs it in its schema."""
    connection.set_schema_to_public()
    set_plugin(committed_county, "hello", enabled=True)
    other = County.objects.get(slug="beta")  # committed at session start, hello is off there
    before_other = _ticks(other)

    scheduler = PluginAwareScheduler(app=app, lazy=True)
    scheduler.app.conf.beat_schedule = {}
    schedule = plugin_beat_schedule()
    entry = scheduler.Entry(name="hello:hello-tick", app=app, **schedule["hello:hello-tick"])
    entry.options.setdefault("headers", {})["_all_tenants_only"] = True
    with app.connection_for_write(transport_options=worker) as broker, broker.Producer() as producer:
        scheduler.apply_entry(entry, producer=producer)

    deadline = time.monotonic() + 90
    while _ticks(committed_county) == 0 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _ticks(committed_county) == 1
    assert _ticks(other) == before_other
    connection.set_schema_to_public()
