"""Browser tests: Playwright (through pytest-playwright) driving Debian's Chromium against a live server.

* The live server is Django's threaded WSGI server (``LiveServerThread``) serving the test database,
  started once per session. pytest-django's ``live_server`` is not used: it needs ``transactional_db``,
  which truncates the public schema and would wipe the test counties.
* What the browser sees must be committed: tests use :func:`browser_county` (a throwaway county made
  once per session, dropped at the end) or ``committed_county``, and create their data through
  :func:`browser_user`, which commits.
* Chromium resolves ``<slug>.localhost`` to the loopback address by itself, so a county's pages are at
  ``http://<slug>.localhost:<port>/`` (:func:`live_url`).
* Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there unless
  ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set.

Fixtures: ``browser_page`` (desktop 1280×800), ``phone_page`` (390×844, mobile), ``live_url(county,
path)``, ``browser_county``, ``browser_user(role=None, org_unit=None)`` and ``login(page, county, user)``; users made
here have the password :data:`PASSWORD`. Tests in this folder are marked ``browser`` (deselect them with
``-m "not browser"``).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BROWSER_TESTS = Path(__file__).parent
PASSWORD = "browser-test-pw-2026"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium (``apt-get install chromium``), never a browser downloaded by Playwright."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run `make browser-deps`")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests here are browser tests and use the database (so pytest-django sets it up), outside a test
    transaction (see :func:`_django_db_helper`)."""
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(autouse=True)
def _django_db_helper(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Replaces pytest-django's per-test transaction for the tests here: the server thread only sees
    committed data, so these tests read and write committed data (in throwaway counties).

    Playwright's sync API runs the test in a greenlet with its own context, where Django's
    context-local connection is a different one: it is closed here, or it would outlive the session
    and keep the test database from being dropped.
    """
    from django.db import connections

    with django_db_blocker.unblock():
        yield
        connections.close_all()


@pytest.fixture(scope="session")
def live_port(django_db_setup, django_db_blocker) -> Iterator[int]:
    """Port of a threaded WSGI server running the project (static files served from the apps)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    with django_db_blocker.unblock():
        server = LiveServerThread("localhost", StaticFilesHandler)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            yield server.port
        finally:
            server.terminate()


@pytest.fixture(scope="session")
def browser(live_port: int, browser: Any) -> Any:
    """pytest-playwright's browser, closed before the live server stops: its kept-alive connections
    would otherwise keep server threads, and their database sessions, alive past the test run."""
    return browser


@pytest.fixture(scope="session")
def live_url(live_port: int) -> Callable[..., str]:
    """``live_url(county, "/path/")`` → the county's URL; ``county=None`` → the operator's host."""

    def url(county: Any = None, path: str = "/") -> str:
        host = f"{county.slug}.localhost" if county is not None else "localhost"
        return f"http://{host}:{live_port}{path}"

    return url


@pytest.fixture(scope="session")
def browser_county(django_db_setup, django_db_blocker) -> Iterator[Any]:
    """A county with committed data, made from the alpha pack once per session and dropped at the end."""
    from django.db import connection

    from cunwu.policy.packs import validate_pack
    from cunwu.tenancy.onboarding import onboard
    from tests.conftest import PACKS

    slug = "b" + uuid.uuid4().hex[:10]
    source = (PACKS / "alpha.toml").read_text(encoding="utf-8")
    source = source.replace('slug = "alpha"', f'slug = "{slug}"').replace(
        "alpha.localhost", f"{slug}.localhost"
    )
    with django_db_blocker.unblock():
        county = onboard(validate_pack(source), actor="tests").county
        connection.set_schema_to_public()
        try:
            yield county
        finally:
            connection.set_schema_to_public()
            county.delete(force_drop=True)
            connection.close()


@pytest.fixture
def browser_user(browser_county) -> Callable[..., Any]:
    """``browser_user(role=None, org_unit=None, display_name="")`` → a committed user of
    :func:`browser_county` with :data:`PASSWORD`, holding ``role`` on ``org_unit`` (None: county-wide).

    Other committed data goes in the same way: ``with schema_context(browser_county.schema_name): …``.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_tenants.utils import schema_context

    from cunwu.roles.models import RoleAssignment

    def make(role: str | None = None, org_unit: Any = None, display_name: str = "") -> Any:
        with schema_context(browser_county.schema_name):
            user = get_user_model().objects.create_user(
                username=f"u{uuid.uuid4().hex[:8]}", password=PASSWORD, display_name=display_name
            )
            if role:
                RoleAssignment.objects.create(user=user, role=role, org_unit=org_unit)
        connection.set_schema_to_public()
        return user

    return make


@pytest.fixture
def browser_page(new_context) -> Any:
    """A desktop page (1280×800), Chinese browser locale."""
    return new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()


@pytest.fixture
def phone_page(new_context) -> Any:
    """A phone page (390×844, touch, mobile viewport), Chinese browser locale."""
    return new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    ).new_page()


@pytest.fixture(scope="session")
def login(live_url) -> Callable[..., None]:
    """``login(page, county, user)``: sign in through the login form (the user has :data:`PASSWORD`)."""

    def sign_in(page: Any, county: Any, user: Any) -> None:
        page.goto(live_url(county, "/login/"))
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()

    return sign_in
