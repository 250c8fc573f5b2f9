"""The shell: login pages, the county home and menu, error pages, language and reading size."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.db import connection
from django.template.loader import render_to_string

from cunwu.tenancy.models import County, PluginEnablement


def _no_inline_code(html: str) -> None:
    """CSP forbids inline scripts and style attributes: the pages must not rely on them."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html
    assert "<style" not in html


def test_county_login_page_is_chinese_and_self_contained(county_a, host_client):
    response = host_client(county_a).get("/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in html
    assert "甲县 · 登录" in html and "用户名" in html and "密码" in html
    assert "/static/vendor/bootstrap.min.css" in html and "/static/vendor/htmx.min.js" in html
    assert "https://" not in html  # no CDN
    assert "default-src 'self'" in response["Content-Security-Policy"]
    _no_inline_code(html)


def test_operator_login_page_is_chinese(public_schema, host_client):
    response = host_client().get("/login/")
    assert response.status_code == 200
    assert "村务平台 · 登录" in response.content.decode()


def test_home_needs_a_signed_in_user(county_a, host_client):
    response = host_client(county_a).get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_county_admin_home_lists_the_modules_with_links(county_a, host_client, make_user):
    client = host_client(county_a)
    client.force_login(make_user(role="county_admin"))
    html = client.get("/").content.decode()
    assert "甲县 · 村务工作台" in html
    for url in ("/orgs/", "/disclosure/", "/meetings/", "/ledger/", "/roles/", "/audit/", "/policy/"):
        assert html.count(f'href="{url}"') == 2  # every core module, in the menu and as a card
    assert "本县尚未启用任何插件。" in html  # alpha enables none: the empty state
    assert re.search(r'hx-headers=\'\{"X-CSRFToken": "\w+"\}\'', html)


def test_a_villager_does_not_see_admin_entries(county_a, host_client, make_user):
    client = host_client(county_a)
    client.force_login(make_user(role="villager"))
    html = client.get("/").content.decode()
    assert 'href="/orgs/"' in html  # open to every signed-in user
    for hidden in ("/policy/", "/audit/", "/roles/"):  # pages that would answer 403
        assert f'href="{hidden}"' not in html
        assert client.get(hidden).status_code == 403


def test_error_pages_are_chinese(county_a, host_client, make_user):
    client = host_client(county_a)
    client.force_login(make_user(role="villager"))
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    denied = client.get("/policy/")
    assert denied.status_code == 403 and "没有权限" in denied.content.decode()


def test_plugin_menu_entries_and_pages_follow_enablement(committed_county, host_client):
    """The test plugin ``hello`` is installed but off in the county: no menu entry, its page 404s."""
    user = get_user_model().objects.create_user("hello-user", password="pw-test-12345")
    client = host_client(committed_county)
    client.force_login(user)
    assert "/hello/" not in client.get("/").content.decode()
    assert client.get("/hello/").status_code == 404

    connection.set_schema_to_public()
    County.objects.filter(pk=committed_county.pk).update(plugins_version=committed_county.plugins_version + 1)
    PluginEnablement.objects.create(county=committed_county, plugin="hello", enabled=True)

    home = client.get("/").content.decode()
    assert '<a class="nav-link" href="/hello/">Hello</a>' in home
    assert home.index('href="/orgs/"') < home.index('href="/hello/"')  # sorted by "order" (10 < 99)
    assert client.get("/hello/").status_code == 200


def test_language_switch_to_english(county_a, host_client):
    client = host_client(county_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    html = client.get("/login/").content.decode()
    assert '<html lang="en"' in html and "Log in" in html and "Password" in html


def test_font_size_cookie_sets_the_page_class(county_a, host_client):
    client = host_client(county_a)
    client.cookies["cunwu_font_size"] = "xlarge"
    html = client.get("/login/").content.decode()
    assert '<html lang="zh-hans" class="font-xlarge">' in html
    assert 'data-font-size="xlarge" aria-pressed="true"' in html
    client.cookies["cunwu_font_size"] = "<script>"
    assert 'class="font-normal"' in client.get("/login/").content.decode()


def test_server_error_page_stands_alone():
    html = render_to_string("500.html")
    assert "系统出错" in html and "/static/web/shell.css" in html


def test_logout_signs_out_and_returns_to_the_login_page(county_a, host_client, make_user):
    client = host_client(county_a)
    client.force_login(make_user())
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/").status_code == 302
