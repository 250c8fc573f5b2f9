"""Browser tests of meetings reuse the web helper's Playwright fixtures (tests/browser/conftest.py).

Tests here read and write committed data in the throwaway browser county (never ``live_server``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import (  # noqa: F401 (fixtures are found by name)
    _django_db_helper,
    browser,
    browser_county,
    browser_type_launch_args,
    browser_user,
    live_port,
    live_url,
    login,
    phone_page,
)

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.django_db)
            item.add_marker(pytest.mark.browser)
