"""Registering and approving points: two people, evidence, limits, bulk entry, claims, village rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cunwu.audit.models import AuditEntry
from cunwu.disclosure.models import Notice
from cunwu.orgs.models import OrgUnit
from cunwu_points.errors import EvidenceRequired, LimitReached, PointsError, SelfReview
from cunwu_points.models import PointsEvent, Rule, RuleVersion
from cunwu_points.services import events, rules
from cunwu_points.services.passbooks import figures, passbook_for


def _photo() -> SimpleUploadedFile:
    from io import BytesIO

    buffer = BytesIO()
    Image.new("RGB", (32, 32), "green").save(buffer, "JPEG")
    return SimpleUploadedFile("scene.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_onboarding_loaded_each_village_table_with_its_overrides_and_posted_it(points_county):
    hongyang = OrgUnit.objects.get(code="hongyang")
    shanzhu = OrgUnit.objects.get(code="shanzhugou")
    assert set(rules.current_rules(hongyang).values_list("code", flat=True)) == {
        "meeting",
        "volunteer",
        "good-deed",
        "litter",
        "gambling",
    }
    assert set(rules.current_rules(shanzhu).values_list("code", flat=True)) == {
        "meeting",
        "volunteer",
        "good-deed",
        "litter",
        "forest-patrol",
    }
    assert Notice.objects.filter(org_unit=shanzhu, kind="points_rules").exists()


def test_a_rules_change_is_a_new_version_posted_as_a_notice_and_a_rerun_changes_nothing(hongyang, staff):
    from cunwu_points.parameters import RuleSpec

    _registrar, reviewer, _operator = staff(hongyang)
    table = [
        RuleSpec(code=r.code, behaviour=r.behaviour, points=r.points) for r in rules.current_rules(hongyang)
    ]
    old_version = RuleVersion.objects.filter(village=hongyang).order_by("-number").first()
    table[0] = table[0].model_copy(update={"points": Decimal("8")})
    version = rules.apply_table(hongyang, table, actor=reviewer, notice_days=7)
    assert version.number == old_version.number + 1
    assert rules.rule_for(hongyang, table[0].code).points == Decimal("8")
    assert Rule.objects.filter(version=old_version, active=False).count() == old_version.rules.count()
    notice = Notice.objects.filter(org_unit=hongyang, kind="points_rules").order_by("-id").first()
    assert "调整" in notice.body and f"第{version.number}版" in notice.title
    assert rules.apply_table(hongyang, table, actor=reviewer, notice_days=7) is None


def test_register_then_another_member_approves_and_the_points_reach_the_passbook(
    hongyang, make_resident, staff
):
    registrar, reviewer, _operator = staff(hongyang)
    person = make_resident(hongyang, "张三")
    event = events.register(
        person,
        rules.rule_for(hongyang, "volunteer"),
        occurred_on=timezone.localdate(),
        note="打扫村道",
        actor=registrar,
    )
    assert event.status == PointsEvent.Status.PENDING
    assert figures(event.passbook).redeemable == 0
    with pytest.raises(SelfReview):
        events.approve(event, actor=registrar)
    events.approve(event, actor=reviewer)
    result = figures(passbook_for(person, timezone.localdate().year))
    assert (result.cumulative, result.redeemable) == (Decimal("5"), Decimal("5"))
    assert AuditEntry.objects.filter(action="points.event_approved").exists()


def test_a_registrar_of_another_village_cannot_register_here(hongyang, make_resident, make_user):
    outsider = make_user("points_registrar", OrgUnit.objects.get(code="shanzhugou"))
    with pytest.raises(PointsError):
        events.register(
            make_resident(hongyang, "李四"),
            rules.rule_for(hongyang, "volunteer"),
            occurred_on=timezone.localdate(),
            actor=outsider,
        )


def test_rejection_needs_a_reason_and_moves_nothing(hongyang, make_resident, staff):
    registrar, reviewer, _operator = staff(hongyang)
    event = events.register(
        make_resident(hongyang, "王五"),
        rules.rule_for(hongyang, "volunteer"),
        occurred_on=timezone.localdate(),
        actor=registrar,
    )
    with pytest.raises(PointsError):
        events.reject(event, actor=reviewer, reason="  ")
    events.reject(event, actor=reviewer, reason="当天未到场")
    event.refresh_from_db()
    assert event.status == PointsEvent.Status.REJECTED and event.transaction_id is None
    assert figures(event.passbook).redeemable == 0


def test_a_rule_that_requires_evidence_refuses_without_a_photo(hongyang, make_resident, staff):
    registrar, _reviewer, _operator = staff(hongyang)
    person = make_resident(hongyang, "赵六")
    rule = rules.rule_for(hongyang, "good-deed")
    with pytest.raises(EvidenceRequired):
        events.register(person, rule, occurred_on=timezone.localdate(), actor=registrar)
    assert not PointsEvent.objects.filter(rule=rule).exists()
    event = events.register(person, rule, occurred_on=timezone.localdate(), photo=_photo(), actor=registrar)
    from cunwu.evidence.services import files_for

    assert files_for(event).count() == 1


def test_the_limit_per_period_is_enforced(hongyang, make_resident, staff):
    registrar, _reviewer, _operator = staff(hongyang)
    person = make_resident(hongyang, "钱七")
    rule = rules.rule_for(hongyang, "meeting")  # at most 2 per month
    for _ in range(2):
        events.register(person, rule, occurred_on=timezone.localdate(), actor=registrar)
    with pytest.raises(LimitReached):
        events.register(person, rule, occurred_on=timezone.localdate(), actor=registrar)


def test_bulk_entry_for_everyone_at_a_meeting_is_refused_whole_when_one_cannot(
    hongyang, make_resident, staff
):
    registrar, reviewer, _operator = staff(hongyang)
    people = [make_resident(hongyang, f"村民{i}") for i in range(4)]
    rule = rules.rule_for(hongyang, "meeting")
    events.register(people[0], rule, occurred_on=timezone.localdate(), actor=registrar)
    events.register(people[0], rule, occurred_on=timezone.localdate(), actor=registrar)
    before = PointsEvent.objects.count()
    with pytest.raises(LimitReached):
        events.register_bulk(
            people, rule, occurred_on=timezone.localdate(), title="村民大会", actor=registrar
        )
    assert PointsEvent.objects.count() == before
    batch = events.register_bulk(
        people[1:], rule, occurred_on=timezone.localdate(), title="村民大会", actor=registrar
    )
    assert events.approve_batch(batch, actor=reviewer) == 3
    assert all(figures(passbook_for(p, timezone.localdate().year)).cumulative == 2 for p in people[1:])


def test_a_villager_claims_and_a_reviewer_decides(hongyang, make_resident, staff, make_user):
    _registrar, reviewer, _operator = staff(hongyang)
    person = make_resident(hongyang, "孙八")
    villager = make_user("villager", hongyang)
    villager.resident_id = person.pk
    villager.save()
    claim = events.submit_claim(
        rules.rule_for(hongyang, "volunteer"),
        occurred_on=timezone.localdate(),
        note="清理河道",
        actor=villager,
    )
    assert claim.source == PointsEvent.Source.CLAIM
    events.approve(claim, actor=reviewer)
    assert figures(claim.passbook).cumulative == 5


def test_a_penalty_counts_in_full_but_only_empties_the_redeemable_balance(
    hongyang, make_resident, staff, earn
):
    registrar, reviewer, _operator = staff(hongyang)
    person = make_resident(hongyang, "周九")
    earn(person, hongyang, registrar, reviewer, "volunteer", 1)  # +5
    earn(person, hongyang, registrar, reviewer, "gambling", 1)  # -20
    result = figures(passbook_for(person, timezone.localdate().year))
    assert result.cumulative == Decimal("-15")
    assert result.redeemable == Decimal("0")


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_registered(hongyang, make_resident, staff):
    registrar, _reviewer, _operator = staff(hongyang)
    fake = SimpleUploadedFile("scene.jpg", b"not an image at all", content_type="image/jpeg")
    rule = rules.rule_for(hongyang, "good-deed")
    with pytest.raises(PointsError):
        events.register(
            make_resident(hongyang, "吴十"),
            rule,
            occurred_on=timezone.localdate(),
            photo=fake,
            actor=registrar,
        )
    assert not PointsEvent.objects.filter(rule=rule, passbook__resident__name="吴十").exists()
