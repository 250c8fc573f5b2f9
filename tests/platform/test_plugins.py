"""The plugin host, proven with ``cunwu-hello``: a plugin pip-installed as a real distribution
(``tests/fixtures/hello_plugin``) is found like a built-in one and exists only in counties enabling it."""

from __future__ import annotations

from importlib.metadata import distribution, entry_points
from pathlib import Path

import pytest
from django.db import connection
from django.test import RequestFactory
from django_tenants.utils import schema_context

from cunwu.plugins.host import hooks_for, installed_plugins
from cunwu.policy.packs import PackRefused, validate_pack
from cunwu.roles.catalogue import roles_for
from cunwu.tenancy.models import County
from cunwu.web.menu import menu_for
from tests.conftest import PACKS

FIXTURE = Path(__file__).parents[1] / "fixtures" / "hello_plugin"


def test_the_test_plugin_is_an_installed_distribution_found_by_entry_point():
    dist = distribution("cunwu-hello")
    assert [ep.value for ep in dist.entry_points if ep.group == "cunwu.plugins"] == ["cunwu_hello"]
    assert "hello" in {ep.name for ep in entry_points(group="cunwu.plugins")}
    import cunwu_hello

    # Imported from site-packages, not from the fixture's source folder: a real install.
    assert FIXTURE not in Path(cunwu_hello.__file__).parents
    assert installed_plugins()["hello"].version == dist.version


def test_hooks_reach_the_plugin_only_where_it_is_enabled(hello_in_a, county_b):
    connection.set_schema_to_public()
    assert "hello" in hooks_for(hello_in_a).enabled
    assert "hello" not in hooks_for(county_b).enabled
    assert hooks_for(hello_in_a).cunwu_decide(rule="hello.answer", context={}) == 42
    assert hooks_for(county_b).cunwu_decide(rule="hello.answer", context={}) is None


def test_decisions_are_firstresult(hello_in_a):
    """``cunwu_decide`` returns one answer (the first non-None), not a list of answers."""
    hooks = hooks_for(hello_in_a)
    assert hooks.cunwu_decide.spec.opts["firstresult"] is True
    assert hooks.cunwu_decide(rule="no.such.rule", context={}) is None


@pytest.mark.parametrize("path", ["/hello/", "/api/hello/greeting/"])
def test_pages_and_api_answer_only_where_the_plugin_is_on(hello_in_a, county_b, host_client, path):
    connection.set_schema_to_public()
    on = host_client(hello_in_a).get(path)
    assert on.status_code == 200
    assert on.json() == {"greeting": "甲县你好", "county": "alpha"}
    assert host_client(county_b).get(path).status_code == 404


def test_a_disabled_plugin_has_no_menu_entry_and_no_roles(hello_in_a, county_b, make_user):
    def menu_urls(county) -> list[str]:
        with schema_context(county.schema_name):
            request = RequestFactory().get("/", HTTP_HOST=f"{county.slug}.localhost")
            request.county, request.user = county, make_user(role="county_admin")
            return [entry.url for entry in menu_for(request)]

    assert "/hello/" in menu_urls(hello_in_a)
    assert "/hello/" not in menu_urls(county_b)
    assert "hello_greeter" in roles_for(hello_in_a)
    assert "hello_greeter" not in roles_for(county_b)


def test_switching_the_plugin_off_removes_it_at_once(hello_in_a, host_client):
    from tests.platform.conftest import set_plugin

    connection.set_schema_to_public()
    assert host_client(hello_in_a).get("/hello/").status_code == 200
    set_plugin(hello_in_a, "hello", enabled=False)
    assert host_client(hello_in_a).get("/hello/").status_code == 404
    assert "hello_greeter" not in roles_for(County.objects.get(pk=hello_in_a.pk))


def test_pack_validation_uses_the_plugins_parameter_schema(public_schema):
    pack = (PACKS / "beta.toml").read_text(encoding="utf-8")
    accepted = validate_pack(pack + '\n[plugins.hello]\ngreeting = "乙县好"\n')
    assert accepted.plugin_parameters["hello"] == {"greeting": "乙县好"}
    assert accepted.enabled_plugins == ["hello"]
    with pytest.raises(PackRefused) as refused:
        validate_pack(pack + '\n[plugins.hello]\ngreetnig = "typo"\n')
    assert [p.path for p in refused.value.problems] == ["plugins.hello.greetnig"]
    with pytest.raises(PackRefused) as refused:
        validate_pack(pack + "\n[plugins.hello]\ngreeting = 3\n")
    assert [p.path for p in refused.value.problems] == ["plugins.hello.greeting"]
