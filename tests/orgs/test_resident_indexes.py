"""Residents' indexes: each look-up the app makes has one, and no index exists that nothing uses.

Every index costs each imported row (or the rebuild after a bulk load), so the set is kept small: the
plans are checked with sequential scans disabled, i.e. "an index can serve this". The table is filled
first (and analysed): on an empty one every plan costs the same, and the planner may as well walk the
``org_path`` index for the list's order and filter each row, which says nothing of the look-up's index.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q

from cunwu.orgs.models import OrgUnit, Resident
from cunwu.pii.crypto import lookup_hash

CROWD = 2000


@pytest.fixture
def crowded(county_a):
    """County A with ``CROWD`` residents in 50 groups' paths, each with its own hashes, analysed."""
    group = OrgUnit.objects.filter(kind="group").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orgs_resident (name, id_card, id_card_hash, phone, phone_hash, group_id, org_path,"
            " gender, is_party_member, attributes, active, created_at)"
            " SELECT 'r' || g, '', md5('i' || g) || md5('j' || g), '', md5('p' || g) || md5('q' || g), %s,"
            " 'p' || g %% 50 || '/v/1', '', false, '{}', true, now() FROM generate_series(1, %s) g",
            [group.pk, CROWD],
        )
        cursor.execute("ANALYZE orgs_resident")
    return county_a


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            return queryset.explain()
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")


def test_look_ups_by_keyed_hash_use_an_index(crowded):
    assert "unique_resident_id_card" in _plan(Resident.objects.with_id_card("11010519491231002X"))
    assert "orgs_resident_phone_hash" in _plan(Resident.objects.with_phone("13812345678"))
    digest = lookup_hash("13812345678")  # the residents page's search box: either column
    plan = _plan(Resident.objects.filter(Q(id_card_hash=digest) | Q(phone_hash=digest)))
    assert "unique_resident_id_card" in plan and "orgs_resident_phone_hash" in plan


def test_role_scope_prefix_match_uses_the_pattern_index(crowded):
    plan = _plan(Resident.objects.filter(org_path__startswith="east/"))
    assert "_like" in plan and "Index Cond" in plan  # the varchar_pattern_ops index, not a full scan


def test_only_org_path_has_a_pattern_index(county_a):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'orgs_resident' "
            "AND schemaname = current_schema() AND indexdef LIKE '%%pattern_ops%%'"
        )
        names = [name for (name,) in cursor.fetchall()]
    assert len(names) == 1 and "org_path" in names[0]
