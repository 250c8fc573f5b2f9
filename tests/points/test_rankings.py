"""Quarterly red and black lists against a hand-computed example, ties included."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from cunwu.disclosure.models import Notice
from cunwu_points.models import QuarterlyList
from cunwu_points.periods import quarter_of
from cunwu_points.services.rankings import publish_quarterly_lists, quarter_lists, rank

D = Decimal


def test_rank_keeps_everyone_tied_at_the_cut_off_with_competition_ranks():
    scores = [
        ("a", "甲", D(9)),
        ("b", "乙", D(7)),
        ("c", "丙", D(7)),
        ("d", "丁", D(5)),
        ("e", "戊", D(5)),
        ("f", "己", D(4)),
    ]
    # Hand-computed, size 3: 甲 1st; 乙 and 丙 share 7 → both rank 2 (丙 first: by name); the 3rd entry
    # scores 7 and 丁 scores 5, so the list stops at 3 entries.
    assert [(r.rank, r.name, r.tied) for r in rank(scores, 3)] == [
        (1, "甲", False),
        (2, "丙", True),
        (2, "乙", True),
    ]
    # size 4: the 4th is 丁 (5), 戊 shares that score, so both are in: 5 entries, ranks 1, 2, 2, 4, 4.
    assert [(r.rank, r.name) for r in rank(scores, 4)] == [
        (1, "甲"),
        (2, "丙"),
        (2, "乙"),
        (4, "丁"),
        (4, "戊"),
    ]


def test_black_list_ranks_the_lowest_first():
    scores = [("a", "甲", D(-3)), ("b", "乙", D(-20)), ("c", "丙", D(-3)), ("d", "丁", D(-1))]
    assert [(r.rank, r.name, r.score) for r in rank(scores, 2, lowest_first=True)] == [
        (1, "乙", D(-20)),
        (2, "丙", D(-3)),
        (2, "甲", D(-3)),
    ]


def test_quarter_lists_from_approved_events_with_a_tie_and_a_posted_notice(
    hongyang, make_resident, staff, earn
):
    registrar, reviewer, _operator = staff(hongyang)
    today = timezone.localdate()
    people = {
        name: make_resident(hongyang, name) for name in ["张三丰", "李四", "王五", "赵六", "钱七", "孙八"]
    }
    # quarter scores: 张三丰 15, 李四 10, 王五 10, 赵六 5, 钱七 -3, 孙八 5 - 20 = -15
    earn(people["张三丰"], hongyang, registrar, reviewer, "volunteer", 3)
    earn(people["李四"], hongyang, registrar, reviewer, "volunteer", 2)
    earn(people["王五"], hongyang, registrar, reviewer, "volunteer", 2)
    earn(people["赵六"], hongyang, registrar, reviewer, "volunteer", 1)
    earn(people["钱七"], hongyang, registrar, reviewer, "litter", 1)
    earn(people["孙八"], hongyang, registrar, reviewer, "volunteer", 1)
    earn(people["孙八"], hongyang, registrar, reviewer, "gambling", 1)
    lists = quarter_lists(hongyang, today.year, quarter_of(today))
    red = [(r.rank, r.name, r.score, r.tied) for r in lists["red"]]
    # list_size is 3 in the test pack: 张三丰 1; 李四, 王五 tied 2 → 3 entries; 赵六 (5) out.
    assert red == [(1, "张三丰", D(15), False), (2, "李四", D(10), True), (2, "王五", D(10), True)]
    black = [(r.rank, r.name, r.score) for r in lists["black"]]
    assert black == [(1, "孙八", D(-15)), (2, "钱七", D(-3))]

    published = publish_quarterly_lists(hongyang, today.year, quarter_of(today), actor=reviewer)
    red_list = next(q for q in published if q.kind == QuarterlyList.Kind.RED)
    assert [e.label for e in red_list.entries.all()] == ["张*丰", "李*", "王*"]  # masked by policy
    notice = Notice.objects.get(pk=red_list.notice_id)
    assert "张*丰" in notice.body and "张三丰" not in notice.body and "并列" in notice.body
    again = publish_quarterly_lists(hongyang, today.year, quarter_of(today), actor=reviewer)
    assert {q.pk for q in again} == {q.pk for q in published}


def test_an_empty_quarter_posts_empty_lists(hongyang, staff):
    _registrar, reviewer, _operator = staff(hongyang)
    published = publish_quarterly_lists(hongyang, 2025, 1, actor=reviewer)
    assert len(published) == 2 and all(not q.entries.exists() for q in published)
