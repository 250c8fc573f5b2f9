"""The operator's host: the counties, onboarding from a pack (refusals change nothing), access."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_exists

from cunwu.tenancy.models import County
from tests.conftest import PACKS

ALPHA = (PACKS / "alpha.toml").read_text(encoding="utf-8")


@pytest.fixture
def operator_client(public_schema, host_client):
    operator = get_user_model().objects.create_user("operator", password="pw-test-12345", is_staff=True)
    client = host_client()
    client.force_login(operator)
    return client


def test_operator_home_lists_counties_with_domains_plugins_and_policy(operator_client):
    html = operator_client.get("/").content.decode()
    assert "甲县" in html and "乙县" in html
    assert 'href="http://alpha.localhost/"' in html
    assert "v1" in html and "2026-01-01 起生效" in html


def test_operator_pages_refuse_other_users(public_schema, host_client):
    client = host_client()
    assert client.get("/").status_code == 302  # anonymous: to the login page
    client.force_login(get_user_model().objects.create_user("someone", password="pw-test-12345"))
    assert client.get("/").status_code == 403
    assert client.get("/onboard/").status_code == 403


def test_a_refused_pack_names_each_problem_and_changes_nothing(operator_client):
    bad = ALPHA.replace('slug = "alpha"', 'slug = "gamma"').replace("alpha.localhost", "gamma.localhost")
    bad = bad.replace("[bodies]", "[bodies]\nsaets = 3").replace("population = 3200", 'population = "many"')
    response = operator_client.post("/onboard/", {"source": bad})
    html = response.content.decode()
    assert response.status_code == 422
    assert "<code>bodies.saets</code>：不认识的键" in html
    assert "<code>townships[0].villages[0].population</code>" in html
    assert not County.objects.filter(slug="gamma").exists()
    assert not schema_exists("county_gamma")


def test_an_empty_form_asks_for_a_pack(operator_client):
    response = operator_client.post("/onboard/", {"source": "  "})
    assert response.status_code == 200 and "请上传政策包文件或粘贴其内容。" in response.content.decode()


def test_an_uploaded_pack_onboards_the_county(operator_client):
    pack = ALPHA.replace('slug = "alpha"', 'slug = "gamma"').replace("alpha.localhost", "gamma.localhost")
    upload = SimpleUploadedFile("gamma.toml", pack.encode(), content_type="text/plain")
    response = operator_client.post("/onboard/", {"pack_file": upload}, follow=True)
    county = County.objects.get(slug="gamma")
    assert schema_exists(county.schema_name)
    assert county.domains.get().domain == "gamma.localhost"
    assert "已接入 测试省甲县，现行政策版本 v1。" in response.content.decode()
