"""Errors of the project workflow; messages are Chinese and shown to the user as they are."""

from __future__ import annotations


class ProjectError(Exception):
    """Base: the action is refused and nothing was changed."""


class StepRefused(ProjectError):
    """A step cannot be completed: ``missing`` lists exactly what is not there yet."""

    def __init__(self, step_name: str, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(f"“{step_name}”尚不能完成:" + ";".join(missing))


class NotAllowed(ProjectError):
    """The acting user does not hold a role the policy names for this action."""
