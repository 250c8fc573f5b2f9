"""Menu highlighting: only the entry whose URL is the longest prefix of the page's path is marked active."""

from __future__ import annotations

import re

import pytest

from cunwu.web.menu import _active_url
from tests.points.conftest import hongyang, points_county, points_county_setup  # noqa: F401 (fixtures)

ACTIVE = re.compile(r'<a class="nav-link active" href="([^"]+)" aria-current="page">')


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/points/rules/7/v2/", "/points/rules/"),
        ("/points/rules/", "/points/rules/"),
        ("/points/passbooks/", "/points/"),
        ("/orgs/", "/orgs/"),
        ("/audit/3/", "/audit"),
        ("/auditx/", None),  # a prefix must end at a path segment
        ("/elsewhere/", None),
    ],
)
def test_the_longest_matching_entry_wins(path, expected):
    assert _active_url(path, ["/orgs/", "/points/", "/points/rules/", "/audit"]) == expected


def test_a_query_string_does_not_make_an_entry_longer():
    """The longest *path* wins: /points/?tab=shop is no better a match for /points/rules/ than /points/."""
    assert _active_url("/points/rules/7/", ["/points/?tab=shop", "/points/rules/"]) == "/points/rules/"
    assert _active_url("/points/", ["/points/?tab=shop", "/points/rules/"]) == "/points/?tab=shop"


def test_the_rules_pages_light_up_only_the_rules_entry(
    points_county,  # noqa: F811 (the points tests' fixtures, imported above)
    hongyang,  # noqa: F811
    make_user,
    host_client,
):
    client = host_client(points_county)
    client.force_login(make_user("village_secretary", hongyang))
    html = client.get(f"/points/rules/{hongyang.pk}/").content.decode()
    assert 'href="/points/"' in html and 'href="/points/rules/"' in html  # both entries are in the menu
    assert ACTIVE.findall(html) == ["/points/rules/"]
    assert ACTIVE.findall(client.get("/points/").content.decode()) == ["/points/"]
