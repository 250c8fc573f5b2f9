"""Errors of 公示 notices."""

from __future__ import annotations


class NoticeError(Exception):
    """Base of the notice errors; messages are Chinese and shown to the user as they are."""


class PostingPeriodNotEnded(NoticeError):
    """A step needs a notice's posting period to be over, and it is not yet."""


class NoticeImmutable(NoticeError):
    """A posted notice cannot be changed or deleted; a correction supersedes it."""


class AlreadySuperseded(NoticeError):
    """A notice that was already corrected cannot be corrected again (correct the newest one)."""
