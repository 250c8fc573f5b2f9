"""The API documentation (Redoc) works offline and under the site's Content Security Policy."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

REFERENCES = re.compile(r'(?:src|href)="([^"]*)"')
# Redoc's side menu always shows the Redocly logo from its CDN; img-src refuses it and the image hides.
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def test_docs_page_references_only_local_static_files(browser_county):
    """Every script, style and icon of the page is one of this site's static files (no CDN, no fonts)."""
    from django.test import Client

    for host in (f"{browser_county.slug}.localhost", "localhost"):
        response = Client(HTTP_HOST=host).get("/api/docs/")
        html = response.content.decode()
        urls = REFERENCES.findall(html)
        assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in urls
        assert "/static/cunwu_api/redoc-init.js" in urls
        assert all(url.startswith("/static/") for url in urls), urls
        assert "<style" not in html and "<script>" not in html  # nothing inline
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "script-src 'self'" in policy
        assert "worker-src blob:" in policy


def test_docs_page_renders_the_api_under_csp(browser_page, live_url, browser_county):
    errors: list[str] = []
    requests: list[str] = []
    browser_page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    browser_page.on("pageerror", lambda error: errors.append(str(error)))
    browser_page.on("request", lambda request: requests.append(request.url))
    browser_page.goto(live_url(browser_county, "/api/docs/"))
    expect(browser_page.get_by_role("heading", level=1)).to_contain_text("cunwu 村务 API", timeout=20_000)
    expect(browser_page.get_by_text("/api/points/rule-versions/").first).to_be_attached()
    # Search runs in Redoc's blob: worker.
    browser_page.get_by_placeholder("Search...").fill("rule-versions")
    expect(browser_page.locator("[data-role='search:results']")).to_contain_text("rule", timeout=10_000)
    browser_page.screenshot(path="/tmp/cunwu-api-docs.png")
    assert [error for error in errors if REDOCLY_LOGO not in error] == []
    origin = live_url(browser_county, "/")
    assert [url for url in requests if not url.startswith((origin, "blob:", "data:", REDOCLY_LOGO))] == []
