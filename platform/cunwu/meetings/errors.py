"""Refusals of the meetings services; each message is Chinese and says what to fix."""

from __future__ import annotations


class MeetingError(Exception):
    """A meeting operation was refused; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class QuorumNotMet(MeetingError):
    """Too few current members present for the body to decide."""

    def __init__(self, message: str, *, present: int, seats: int) -> None:
        super().__init__(message)
        self.present = present
        self.seats = seats


class VotesExceedAttendance(MeetingError):
    """More votes than voting members present."""
