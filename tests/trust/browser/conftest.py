"""Browser tests of the trust services reuse the web helper's Playwright fixtures (tests/browser/conftest.py).

Like there, tests here read and write committed data in a throwaway county (never ``live_server``), so
pytest-django's per-test transaction is replaced and the tests are marked as using the database.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import (  # noqa: F401 (fixtures are found by name)
    PASSWORD,
    _django_db_helper,
    browser_county,
    browser_page,
    browser_type_launch_args,
    browser_user,
    live_port,
    live_url,
    login,
)

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.django_db)
            item.add_marker(pytest.mark.browser)
