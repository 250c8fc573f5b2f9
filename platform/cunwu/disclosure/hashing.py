"""The content hash of a notice: SHA-256 over a canonical JSON of everything a reader relies on.

Title, body, the org unit (code path and name), the period, the public token, the corrected notice's
hash and the SHA-256 of every attachment are covered. Anyone can recompute it from the public page's
data; ``services.verify_notice`` also re-reads each attachment from storage, so a swapped file is caught.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cunwu.disclosure.models import Notice

HASH_VERSION = 1


def _utc(moment: dt.datetime) -> str:
    """One spelling per instant, whatever time zone the value was read in."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_content(notice: Notice, attachment_hashes: Iterable[str]) -> bytes:
    data = {
        "v": HASH_VERSION,
        "uuid": str(notice.uuid),
        "org": {"path": notice.org_unit.path, "name": notice.org_unit.name},
        "kind": notice.kind,
        "title": notice.title,
        "body": notice.body,
        "period": {
            "starts_at": _utc(notice.starts_at),
            "ends_at": _utc(notice.ends_at),
            "min_days": notice.min_days,
        },
        "supersedes": notice.supersedes.content_hash if notice.supersedes_id else "",
        "attachments": sorted(attachment_hashes),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def content_hash(notice: Notice, attachment_hashes: Iterable[str]) -> str:
    return hashlib.sha256(canonical_content(notice, attachment_hashes)).hexdigest()


def file_sha256(field_file) -> str:
    """SHA-256 of a stored file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with field_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
