"""The shell in a real browser, at phone and desktop sizes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_login_page_is_chinese_at_phone_and_desktop_sizes(phone_page, browser_page, live_url, browser_county):
    for page, shot in (
        (phone_page, "/tmp/cunwu-login-phone.png"),
        (browser_page, "/tmp/cunwu-login-desktop.png"),
    ):
        errors: list[str] = []
        page.on(
            "console", lambda message, errors=errors: message.type == "error" and errors.append(message.text)
        )
        page.goto(live_url(browser_county, "/login/"))
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{browser_county.name} · 登录")
        expect(page.get_by_role("button", name="登录")).to_be_visible()
        # Bootstrap is loaded from static (the login button is styled full width) and nothing broke CSP.
        box = page.get_by_role("button", name="登录").bounding_box()
        assert box["height"] >= 44
        assert errors == []
        # htmx 2.0 from static, told not to inject its indicator <style> (CSP).
        assert page.evaluate("() => [htmx.version.slice(0, 4), htmx.config.includeIndicatorStyles]") == [
            "2.0.",
            False,
        ]
        page.screenshot(path=shot, full_page=True)
    # On a phone the menu collapses behind a toggler.
    expect(phone_page.get_by_role("button", name="打开菜单")).to_be_visible()


def test_font_size_switch_enlarges_text_and_is_remembered(browser_page, live_url, browser_county):
    browser_page.goto(live_url(browser_county, "/login/"))
    size = browser_page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    line = browser_page.evaluate("() => parseFloat(getComputedStyle(document.body).lineHeight)")
    assert line / size >= 1.5  # senior-friendly line height
    browser_page.get_by_role("button", name="字号特大").click()
    expect(browser_page.locator("html")).to_have_class("font-xlarge")
    assert browser_page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") > size * 1.3
    browser_page.reload()
    expect(browser_page.locator("html")).to_have_class("font-xlarge")
    expect(browser_page.get_by_role("button", name="字号特大")).to_have_attribute("aria-pressed", "true")


def test_language_switch_to_english(browser_page, live_url, browser_county):
    browser_page.goto(live_url(browser_county, "/login/"))
    browser_page.get_by_role("button", name="English").click()
    expect(browser_page.locator("html")).to_have_attribute("lang", "en")
    expect(browser_page.get_by_role("button", name="Log in")).to_be_visible()
    expect(browser_page.get_by_label("Password")).to_be_visible()


def test_county_admin_sees_the_home_with_the_modules(
    phone_page, live_url, browser_county, browser_user, login
):
    admin = browser_user(role="county_admin", display_name="王管理")
    login(phone_page, browser_county, admin)
    expect(phone_page.get_by_role("heading", level=1)).to_have_text(f"{browser_county.name} · 村务工作台")
    expect(phone_page.get_by_text("王管理，您好。")).to_be_visible()
    phone_page.get_by_role("link", name="政策版本").first.click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("政策版本")
    expect(phone_page.get_by_text("现行版本")).to_be_visible()
    phone_page.screenshot(path="/tmp/cunwu-policy-phone.png", full_page=True)


def test_every_menu_page_opens_without_errors(browser_page, live_url, browser_county, browser_user, login):
    """Each module in the county admin's menu answers, with a heading and no CSP or script error."""
    errors: list[str] = []
    browser_page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    browser_page.on("pageerror", lambda error: errors.append(str(error)))
    login(browser_page, browser_county, browser_user(role="county_admin"))
    links = browser_page.locator("#main-nav .nav-link")
    targets = [(links.nth(i).inner_text(), links.nth(i).get_attribute("href")) for i in range(links.count())]
    assert len(targets) >= 8  # home and the seven core modules
    for label, href in targets:
        response = browser_page.goto(live_url(browser_county, href))
        assert response.status == 200, (label, href, response.status)
        expect(browser_page.locator("h1").first).to_be_visible()
    assert errors == []


def test_skip_link_is_the_first_stop_and_the_not_found_page_is_chinese(
    browser_page, live_url, browser_county
):
    response = browser_page.goto(live_url(browser_county, "/no-such-page/"))
    assert response.status == 404
    expect(browser_page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    browser_page.keyboard.press("Tab")
    skip = browser_page.locator(":focus")
    expect(skip).to_have_text("跳到正文")
    expect(skip).to_be_visible()
    browser_page.keyboard.press("Enter")
    expect(browser_page.locator("#main")).to_be_focused()


def test_htmx_requests_carry_the_csrf_token(browser_page, live_url, browser_county):
    """``hx-headers`` on <body> gives every htmx request the CSRF token (without it Django answers 403)."""
    browser_page.goto(live_url(browser_county, "/login/"))
    with browser_page.expect_response(lambda response: "/i18n/setlang/" in response.url) as posted:
        browser_page.evaluate(
            """() => htmx.ajax('POST', '/i18n/setlang/',
                   {source: 'body', swap: 'none', values: {language: 'en', next: '/login/'}})"""
        )
    assert posted.value.status == 302
    browser_page.reload()
    expect(browser_page.locator("html")).to_have_attribute("lang", "en")
