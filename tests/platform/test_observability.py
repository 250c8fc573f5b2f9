"""Sentry events carry the county they happened in (captured with a transport that keeps envelopes)."""

from __future__ import annotations

import json
import logging

import pytest
import sentry_sdk
from django.db import connection
from django.test import Client, override_settings
from sentry_sdk.transport import Transport

from cunwu.observability import init_sentry


class CapturingTransport(Transport):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict] = []

    def capture_envelope(self, envelope) -> None:
        self.events += [item.payload.json for item in envelope.items if item.type == "event"]


@pytest.fixture
def sentry_events():
    transport = CapturingTransport()
    init_sentry("https://public@sentry.invalid/1", transport=transport)
    yield transport.events
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: off again


@override_settings(ROOT_URLCONF="tests.platform.urls_failing")
def test_an_error_in_a_county_request_is_tagged_with_the_county(county_a, sentry_events):
    connection.set_schema_to_public()
    response = Client(HTTP_HOST="alpha.localhost", raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    sentry_sdk.flush()
    (event,) = [e for e in sentry_events if "boom in a county" in str(e.get("exception"))]
    assert event["tags"]["county"] == "alpha"
    assert event["tags"]["schema"] == "county_alpha"


@override_settings(ROOT_URLCONF="tests.platform.urls_failing")
def test_personal_numbers_never_leave_in_an_event(county_a, sentry_events):
    connection.set_schema_to_public()
    client = Client(HTTP_HOST="alpha.localhost", raise_request_exception=False)
    client.get("/boom/?id_card=11010519491231002X&phone=13812345678")
    sentry_sdk.flush()
    (event,) = [e for e in sentry_events if "boom in a county" in str(e.get("exception"))]
    sent = json.dumps(event, ensure_ascii=False)
    assert "11010519491231002X" not in sent and "13812345678" not in sent
    assert "110105********002X" in sent  # the query string is still there, masked
    assert event["tags"]["county"] == "alpha"


def test_every_log_handler_masks_personal_numbers():
    """The root's handlers and runserver's access log (query strings) all mask personal numbers."""
    from cunwu.pii.logging import MaskPersonalDataFilter

    checked = 0
    for name in ("", "django.server", "django.request", "celery"):
        logger = logging.getLogger(name)
        while logger is not None:
            for handler in logger.handlers:
                if type(handler).__module__.startswith("_pytest") or isinstance(handler, logging.NullHandler):
                    continue  # pytest's own capture, or a handler that writes nothing
                assert any(isinstance(f, MaskPersonalDataFilter) for f in handler.filters), (name, handler)
                checked += 1
            logger = logger.parent if logger.propagate else None
    assert checked >= 4
