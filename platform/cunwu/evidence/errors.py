"""Errors of evidence files."""

from __future__ import annotations


class EvidenceRejected(Exception):
    """An uploaded file was refused (wrong type by content, too large, too many pixels, unreadable).

    The message is Chinese and meant for the person who uploaded the file; nothing was stored.
    """
