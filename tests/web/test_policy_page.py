"""The policy page of a county: the version in force, the history, and a diff between versions."""

from __future__ import annotations

import datetime

from cunwu.tenancy.models import PolicyVersion
from cunwu.web.policy_history import json_diff


def test_json_diff_marks_changed_lines():
    lines = json_diff({"a": 1, "b": "红"}, {"a": 2, "b": "红"}, old_name="v1", new_name="v2")
    assert [(line.kind, line.text.strip()) for line in lines if line.kind in ("add", "del")] == [
        ("del", '-  "a": 1,'),
        ("add", '+  "a": 2,'),
    ]
    assert json_diff({"a": 1}, {"a": 1}, old_name="v1", new_name="v2") == []


def test_county_admin_sees_the_version_in_force_history_and_diff(county_a, host_client, make_user):
    first = PolicyVersion.objects.filter(county=county_a).order_by("number").first()
    pack = {**first.pack, "policy": {**first.pack["policy"], "note": "第二版说明"}}
    PolicyVersion.objects.create(
        county=county_a,
        number=first.number + 1,
        effective_from=datetime.date(2099, 1, 1),
        pack=pack,
        source="# v2",
        source_sha256="0" * 64,
        note="明年生效",
    )
    client = host_client(county_a)
    client.force_login(make_user(role="county_admin"))

    html = client.get("/policy/").content.decode()
    assert f"✓ 现行版本：</strong>v{first.number}" in html  # the future version is not in force yet
    assert "待生效" in html and "明年生效" in html
    assert "&quot;slug&quot;: &quot;alpha&quot;" in html  # pretty-printed JSON of the shown version

    later = client.get(f"/policy/?v={first.number + 1}").content.decode()
    assert 'diff-line diff-add">+    &quot;note&quot;: &quot;第二版说明&quot;' in later
    assert client.get("/policy/?v=999").status_code == 404
