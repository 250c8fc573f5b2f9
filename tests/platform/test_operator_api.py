"""The operator's REST API: counties listed and shown, onboarding by pack, refusals that change nothing.

Only platform operators may use it (session or token), and only on the operator's host: a county's host
has no such route, and its OpenAPI schema does not mention it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_exists
from rest_framework.authtoken.models import Token

from cunwu.tenancy.models import County, Domain, PluginEnablement, PolicyVersion
from tests.conftest import PACKS

ALPHA = (PACKS / "alpha.toml").read_text(encoding="utf-8")
BETA = (PACKS / "beta.toml").read_text(encoding="utf-8")
GAMMA = ALPHA.replace('slug = "alpha"', 'slug = "gamma"').replace("alpha.localhost", "gamma.localhost")
GAMMA = GAMMA.replace('name = "甲县"', 'name = "丙县"').replace('province = "测试省"', 'province = "另一省"')


@pytest.fixture
def operator(public_schema):
    return get_user_model().objects.create_user("operator", password="pw-test-12345", is_staff=True)


@pytest.fixture
def api(operator, host_client):
    """The operator's host, signed in with the operator's API token."""
    return host_client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=operator).key}")


def everything_onboarding_writes() -> tuple:
    """Every row and schema onboarding could create or change, to prove a refusal changed nothing."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name FROM information_schema.schemata ORDER BY 1")
        schemas = [row[0] for row in cursor.fetchall()]
    return (
        list(County.objects.order_by("pk").values_list("pk", "slug", "name", "province", "plugins_version")),
        list(Domain.objects.order_by("pk").values_list("pk", "domain", "tenant_id", "is_primary")),
        list(PluginEnablement.objects.order_by("pk").values_list("pk", "plugin", "enabled", "parameters")),
        list(PolicyVersion.objects.order_by("pk").values_list("pk", "county_id", "number", "source_sha256")),
        schemas,
    )


def test_the_list_is_paginated_searchable_and_ordered(api):
    page = api.get("/api/counties/").json()
    assert {"count", "next", "previous", "results"} <= page.keys()
    alpha = next(row for row in page["results"] if row["slug"] == "alpha")
    assert alpha["name"] == "甲县" and alpha["province"] == "测试省"
    assert alpha["domains"] == ["alpha.localhost"] and alpha["policy_version"] >= 1
    assert [row["slug"] for row in api.get("/api/counties/", {"search": "乙县"}).json()["results"]] == [
        "beta"
    ]
    assert [row["slug"] for row in api.get("/api/counties/", {"search": "alph"}).json()["results"]] == [
        "alpha"
    ]
    assert {row["slug"] for row in api.get("/api/counties/", {"search": "测试省"}).json()["results"]} >= {
        "alpha",
        "beta",
    }
    slugs = [row["slug"] for row in api.get("/api/counties/", {"ordering": "-slug"}).json()["results"]]
    assert slugs == sorted(slugs, reverse=True)
    assert api.get("/api/counties/", {"page": 99}).status_code == 404


def test_the_detail_has_domains_plugins_and_the_policy_history(api):
    response = api.post("/api/counties/", {"source": BETA + '\n[plugins.hello]\ngreeting = "乙县好"\n'})
    assert response.status_code == 200
    beta = api.get("/api/counties/beta/").json()
    assert beta["domains"] == [{"domain": "beta.localhost", "is_primary": True}]
    assert [(p["plugin"], p["parameters"]) for p in beta["plugins"]] == [("hello", {"greeting": "乙县好"})]
    numbers = [version["number"] for version in beta["policy_versions"]]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) >= 2  # the history stays visible
    assert beta["policy_in_force"] == numbers[0]
    assert "pack" not in beta["policy_versions"][0]
    assert api.get("/api/counties/nosuch/").status_code == 404


def test_a_new_pack_onboards_a_county_and_a_changed_one_updates_it(api):
    created = api.post("/api/counties/", {"source": GAMMA}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["slug"] == "gamma" and created.json()["policy_versions"][0]["number"] == 1
    assert schema_exists("county_gamma")
    upload = SimpleUploadedFile("gamma.toml", GAMMA.replace('"周村"', '"周家村"').encode())
    updated = api.post("/api/counties/", {"pack_file": upload})  # multipart
    assert updated.status_code == 200
    assert [v["number"] for v in updated.json()["policy_versions"]] == [2, 1]
    assert [v["created_by"] for v in updated.json()["policy_versions"]] == ["operator", "operator"]
    assert County.objects.filter(slug="gamma").count() == 1


@pytest.mark.parametrize("slug", ["gamma", "alpha"], ids=["new county", "existing county"])
def test_a_bad_pack_answers_400_with_every_problem_and_changes_nothing(api, slug):
    bad = GAMMA.replace('slug = "gamma"', f'slug = "{slug}"').replace("gamma.localhost", f"{slug}.localhost")
    bad = bad.replace("[bodies]", "[bodies]\nsaets = 3").replace("population = 3200", 'population = "many"')
    before = everything_onboarding_writes()
    response = api.post("/api/counties/", {"source": bad}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "政策包被拒绝，未做任何改动",
        "problems": [
            {"path": "townships[0].villages[0].population", "type": "int_parsing", "message": "应为整数"},
            {"path": "bodies.saets", "type": "extra_forbidden", "message": "不认识的键"},
        ],
    }
    assert everything_onboarding_writes() == before


def test_the_refusal_follows_the_request_language(api):
    bad = GAMMA.replace("population = 3200", "population = -1")
    response = api.post("/api/counties/", {"source": bad}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["detail"] == "Policy pack refused; nothing was changed"
    assert response.json()["problems"] == [
        {
            "path": "townships[0].villages[0].population",
            "type": "greater_than_equal",
            "message": "Input should be greater than or equal to 0",
        }
    ]


def test_no_pack_is_a_plain_400(api):
    response = api.post("/api/counties/", {"source": "  "}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["请上传政策包文件或粘贴其内容。"]}


def test_only_platform_operators_may_use_it(public_schema, host_client, operator):
    anonymous = host_client()
    assert anonymous.get("/api/counties/").status_code == 403
    assert anonymous.post("/api/counties/", {"source": GAMMA}).status_code == 403
    assert host_client(HTTP_AUTHORIZATION="Token not-a-token").get("/api/counties/").status_code == 403
    resident = get_user_model().objects.create_user("resident", password="pw-test-12345")
    token = host_client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=resident).key}")
    assert token.get("/api/counties/").status_code == 403
    assert token.post("/api/counties/", {"source": GAMMA}).status_code == 403
    assert not County.objects.filter(slug="gamma").exists()
    session = host_client()
    session.force_login(operator)
    assert session.get("/api/counties/").status_code == 200


def test_a_county_host_has_no_operator_api(county_a, host_client, make_user):
    staff = make_user()
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client = host_client(county_a)
    client.force_login(staff)
    assert client.get("/api/counties/").status_code == 404
    assert client.post("/api/counties/", {"source": GAMMA}).status_code == 404
    assert "/api/counties/" not in client.get("/api/schema/").content.decode()


def test_the_operator_schema_is_served_on_the_operator_host(public_schema, host_client):
    schema = host_client().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert schema["info"]["title"] == "cunwu 村务 平台运营 API"
    assert {"/api/counties/", "/api/counties/{slug}/"} <= schema["paths"].keys()
    onboarding = schema["paths"]["/api/counties/"]["post"]
    assert {"200", "201", "400"} <= onboarding["responses"].keys()
    assert {"multipart/form-data", "application/json"} <= onboarding["requestBody"]["content"].keys()
    assert not any(path.startswith("/api/orgs") for path in schema["paths"])
