"""Filing evidence: :func:`attach` validates an upload by its content and stores it for a target.

Each call runs in one transaction with its audit row. The stored file is written before the row; if the
transaction then fails, the orphan file is removed again so storage never holds unexplained files.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import connection, models, transaction

from cunwu.audit.services import record, snapshot
from cunwu.evidence.inspection import PreparedFile, prepare, prepared_copy
from cunwu.evidence.models import EvidenceFile


def keep_photo_location() -> bool:
    """The current county's ``personal_data.keep_photo_location`` policy (False when unknown)."""
    from cunwu.tenancy.models import County, PolicyVersion

    county = getattr(connection, "tenant", None)
    if not isinstance(county, County):
        return False
    version = PolicyVersion.in_force(county)
    return bool(version and version.pack.get("personal_data", {}).get("keep_photo_location", False))


def store(
    prepared: PreparedFile,
    *,
    target: models.Model,
    actor: Any,
    category: str = "",
    captured_at: dt.datetime | None = None,
    note: str = "",
) -> EvidenceFile:
    """Write an already validated file for ``target`` (callers inside this package and disclosure)."""
    evidence = EvidenceFile(
        target=target,
        category=category,
        original_name=prepared.original_name,
        content_type=prepared.content_type,
        size=prepared.size,
        sha256=prepared.sha256,
        width=prepared.width,
        height=prepared.height,
        captured_at=prepared.captured_at or captured_at,
        location=f"{prepared.location['lat']},{prepared.location['lon']}" if prepared.location else "",
        uploaded_by=actor,
        note=note,
    )
    evidence.file.save(f"upload{prepared.extension}", ContentFile(prepared.content), save=False)
    try:
        with transaction.atomic():
            evidence.save()
            record(actor=actor, action="evidence.attach", target=evidence, after=snapshot(evidence))
    except Exception:
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


def attach(
    uploaded_file: File,
    *,
    target: models.Model,
    actor: Any,
    category: str = "",
    captured_at: dt.datetime | None = None,
    note: str = "",
) -> EvidenceFile:
    """Validate ``uploaded_file`` by content and file it for ``target``; raise ``EvidenceRejected``.

    ``captured_at`` is used only when the photo carries no EXIF capture time of its own.
    """
    prepared = prepare(uploaded_file, keep_location=keep_photo_location())
    return store(prepared, target=target, actor=actor, category=category, captured_at=captured_at, note=note)


def copy_for(evidence: EvidenceFile) -> PreparedFile:
    """An existing evidence file's stored bytes, ready to be filed again for another target."""
    with evidence.file.open("rb") as handle:
        content = handle.read()
    return prepared_copy(
        evidence.original_name,
        content,
        content_type=evidence.content_type,
        width=evidence.width,
        height=evidence.height,
        captured_at=evidence.captured_at,
    )


def files_for(target: models.Model, category: str | None = None) -> models.QuerySet[EvidenceFile]:
    """The evidence files of ``target`` (optionally one category), oldest first."""
    from django.contrib.contenttypes.models import ContentType

    found = EvidenceFile.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    )
    return found.filter(category=category) if category is not None else found
