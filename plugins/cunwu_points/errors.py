"""Refusals of the 积分超市, each with a message a villager or cadre can act on (Chinese, translatable).

Every refusal changes nothing: services raise before or inside their transaction.
"""


class PointsError(Exception):
    """Base class; ``str(error)`` is the message shown to the user."""


class EvidenceRequired(PointsError):
    pass


class LimitReached(PointsError):
    pass


class SelfReview(PointsError):
    pass


class NotPending(PointsError):
    pass


class YearClosed(PointsError):
    pass


class NotRedemptionDay(PointsError):
    pass


class InsufficientPoints(PointsError):
    pass


class OutOfStock(PointsError):
    pass


class KeyReused(PointsError):
    """The same idempotency key was sent with a different redemption."""
