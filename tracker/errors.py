"""Errors a user can meet, each named for the rule it enforces.

Every error carries its parameters as attributes and an English message
template; a user interface can translate it by class name, so messages stay
out of the domain code and a catalogue needs one entry per rule.
"""

from __future__ import annotations

from typing import Any, ClassVar


class TrackerError(Exception):
    """Base of every refusal Tracker reports to a user; nothing was written."""

    template: ClassVar[str] = "{detail}"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.template.format(**params))

    @property
    def code(self) -> str:
        return type(self).__name__


class DomainError(TrackerError):
    """A lifecycle rule refused the command."""


class WrongStage(DomainError):
    template = "cannot {action} a case in stage {stage}"


class LimitExpired(DomainError):
    template = "the time limit for {action} ended on {limit}"


class FutureDate(DomainError):
    template = "{field} {value} lies in the future"


class DateOutOfOrder(DomainError):
    template = "{field} {value} is before {earlier_field} {earlier}"


class MissingValue(DomainError):
    template = "{field} is required"


class InvalidValue(DomainError):
    """``problem`` is fixed text, so that it translates as a whole; a value it names in braces
    (``"a whole number from {minimum} to {maximum}"``) comes as a parameter of its own."""

    template = "{field} is invalid: {problem}"

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        shown = {**params, "problem": fill(params.get("problem"), params)}
        self.args = (self.template.format(**shown),)


def fill(text: object, params: dict[str, Any]) -> object:
    """``text`` with the parameters it names filled in; as it is if it names others."""
    if not isinstance(text, str):
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


class PermissionDenied(TrackerError):
    template = "{user} may not {action}"


class CaseNotFound(TrackerError):
    """Also raised for a case outside the user's community, so ids cannot be probed."""

    template = "no case {case_id}"


class ConcurrentChange(TrackerError):
    template = "case {case_id} was changed by someone else; reload and try again"
