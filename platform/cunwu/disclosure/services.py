"""Posting and correcting 公示 notices. There is deliberately no update and no delete.

Every function that changes state takes the acting user as ``actor`` and runs in one transaction with
its audit row. Permission checks live in the pages and endpoints (:func:`can_post` helps them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cunwu.audit.services import record, snapshot
from cunwu.disclosure.errors import AlreadySuperseded, PostingPeriodNotEnded
from cunwu.disclosure.hashing import content_hash, file_sha256
from cunwu.disclosure.models import Notice
from cunwu.evidence import services as evidence
from cunwu.evidence.inspection import PreparedFile, prepare
from cunwu.evidence.models import EvidenceFile
from cunwu.orgs.models import OrgUnit
from cunwu.roles.permissions import has_role

POSTER_ROLES = ("village_secretary", "committee_member", "township_official", "county_admin")
ATTACHMENT = EvidenceFile.Category.ATTACHMENT
MAX_DAYS = 366


def can_post(user: Any, org_unit: OrgUnit) -> bool:
    return has_role(user, *POSTER_ROLES, org_unit=org_unit)


def period_end(starts_at: dt.datetime, min_days: int) -> dt.datetime:
    """Local midnight after the last day: the day of posting counts as day one."""
    last = timezone.localdate(starts_at) + dt.timedelta(days=min_days)
    return timezone.make_aware(dt.datetime.combine(last, dt.time.min))


def attachments_of(notice: Notice) -> models.QuerySet[EvidenceFile]:
    return evidence.files_for(notice, category=ATTACHMENT)


def _prepare_attachments(attachments: Iterable[File | EvidenceFile]) -> list[PreparedFile]:
    prepared = []
    for item in attachments:
        if isinstance(item, EvidenceFile):
            prepared.append(evidence.copy_for(item))
        else:
            prepared.append(prepare(item, keep_location=False))
    return prepared


def _validate(title: str, body: str, min_days: int) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = _("标题不能为空。")
    if not body.strip():
        errors["body"] = _("正文不能为空。")
    if not 1 <= int(min_days) <= MAX_DAYS:
        errors["min_days"] = _("公示天数应在 1 到 %(max)d 天之间。") % {"max": MAX_DAYS}
    if errors:
        raise ValidationError(errors)


def _create(
    *,
    org_unit: OrgUnit,
    title: str,
    body: str,
    min_days: int,
    actor: Any,
    starts_at: dt.datetime | None,
    subject: models.Model | None,
    kind: str,
    prepared: list[PreparedFile],
    supersedes: Notice | None = None,
    reason: str = "",
) -> Notice:
    now = timezone.now()
    starts_at = starts_at or now
    notice = Notice(
        org_unit=org_unit,
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        starts_at=starts_at,
        min_days=int(min_days),
        ends_at=period_end(starts_at, int(min_days)),
        posted_by=actor,
        posted_at=now,
        supersedes=supersedes,
        correction_reason=reason,
    )
    if subject is not None:
        notice.subject_type = ContentType.objects.get_for_model(subject)
        notice.subject_id = str(subject.pk)
    notice.content_hash = content_hash(notice, [p.sha256 for p in prepared])
    notice.save()
    for item in prepared:
        evidence.store(item, target=notice, actor=actor, category=ATTACHMENT)
    return notice


def post_notice(
    *,
    org_unit: OrgUnit,
    title: str,
    body: str,
    min_days: int,
    actor: Any,
    starts_at: dt.datetime | None = None,
    subject: models.Model | None = None,
    kind: str = "",
    attachments: Iterable[File | EvidenceFile] = (),
) -> Notice:
    """Post a notice now (or from ``starts_at``); it is immutable from this moment.

    ``attachments`` are uploads (validated like evidence) or existing evidence files, which are copied
    so that the notice owns public copies while the originals keep their own access rules.
    Raises ``ValidationError`` for bad input and ``EvidenceRejected`` for a bad attachment.
    """
    _validate(title, body, min_days)
    prepared = _prepare_attachments(attachments)
    with transaction.atomic():
        notice = _create(
            org_unit=org_unit,
            title=title,
            body=body,
            min_days=min_days,
            actor=actor,
            starts_at=starts_at,
            subject=subject,
            kind=kind,
            prepared=prepared,
        )
        record(actor=actor, action="disclosure.post", target=notice, after=snapshot(notice))
    return notice


def supersede(
    notice: Notice,
    *,
    title: str,
    body: str,
    reason: str,
    actor: Any,
    attachments: Iterable[File | EvidenceFile] | None = None,
) -> Notice:
    """Correct ``notice`` by posting a new one that supersedes it; its posting period starts afresh.

    The old notice is not touched: its page shows "已更正" and links to the new one. Attachments are
    carried over unless new ones are given.
    """
    _validate(title, body, notice.min_days)
    if not reason.strip():
        raise ValidationError({"reason": _("请说明更正原因。")})
    with transaction.atomic():
        old = Notice.objects.select_for_update().get(pk=notice.pk)
        if old.is_superseded:
            raise AlreadySuperseded(
                _("该公示已被更正,请更正最新的公示《%(title)s》。") % {"title": old.latest_version().title}
            )
        chosen = attachments_of(old) if attachments is None else attachments
        new = _create(
            org_unit=old.org_unit,
            title=title,
            body=body,
            min_days=old.min_days,
            actor=actor,
            starts_at=None,
            subject=old.subject,
            kind=old.kind,
            prepared=_prepare_attachments(chosen),
            supersedes=old,
            reason=reason.strip(),
        )
        record(
            actor=actor,
            action="disclosure.supersede",
            target=new,
            before=snapshot(old),
            after=snapshot(new),
            reason=reason.strip(),
        )
    return new


def require_period_ended(notice: Notice) -> None:
    """Refuse (``PostingPeriodNotEnded``) unless the posting period of the notice's newest version is over.

    A correction restarts the period: a step that depends on a corrected notice waits for the correction.
    """
    current = notice.latest_version()
    if not current.period_ended:
        raise PostingPeriodNotEnded(
            _("公示期至 %(day)s 结束,《%(title)s》公示期满后才能进行下一步。")
            % {"day": current.last_day.isoformat(), "title": current.title}
        )


def verify_notice(notice: Notice) -> bool:
    """Recompute the notice's hash from its row and its stored attachment files.

    False when the row, an attachment row or an attachment's bytes changed after posting.
    """
    hashes = []
    for item in attachments_of(notice):
        try:
            actual = file_sha256(item.file)
        except OSError:
            return False
        if actual != item.sha256:
            return False
        hashes.append(actual)
    return content_hash(notice, hashes) == notice.content_hash


def notices_about(subject: models.Model) -> models.QuerySet[Notice]:
    """Notices posted about ``subject`` (any model instance), newest first."""
    return Notice.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
    )
