"""Sentry events carry the county they happened in (captured with a transport that keeps envelopes)."""

from __future__ import annotations

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
