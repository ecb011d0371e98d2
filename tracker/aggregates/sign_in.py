"""One attempt to sign in, and, when it succeeded, the session it opened until sign-out.

Attempts are events like any other so that auditors see who came in, from
where, and who was turned away; the lockout after repeated failures is
counted from them (``tracker.services.sign_ins``).  An attempt is recorded
before the password is checked and decided after: only failures lock, but
an attempt that the undecided attempts ahead of it in the log could lock
waits until they are decided, so parallel guesses cannot all pass the check
before any of them is counted.  A username that could
be an account's is kept as typed (lower case); anything else is kept as
"[invalid]", since people type passwords into the username field.
"""

from __future__ import annotations

import ipaddress
from enum import Enum
from typing import Any
from uuid import uuid4

from tracker.aggregates.account import USERNAME
from tracker.aggregates.base import Act, TrackedAggregate
from tracker.errors import DomainError, InvalidValue

ADDRESS_LIMIT = 64  # longer than any IPv6 address
INVALID = "[invalid]"


def typed_username(text: str) -> str:
    """The username attempts are counted and shown by: lower case, or "[invalid]"."""
    name = text.strip().lower()
    return name if USERNAME.match(name) else INVALID


def client_address(text: str) -> str:
    """The address failures are counted by: an IPv6 client by its /64 (one host may hold all)."""
    text = text.strip()[:ADDRESS_LIMIT] or "unknown"
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return text
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class SignInOutcome(Enum):
    PENDING = "pending"  # recorded, the password not yet checked
    SIGNED_IN = "signed_in"
    FAILED = "failed"  # unknown user, wrong password or deactivated account: one answer
    LOCKED = "locked"  # refused unchecked while too many recent failures lock the door


class SessionEnd(Enum):
    SIGNED_OUT = "signed_out"
    IDLE = "idle"
    PASSWORD_CHANGED = "password_changed"


class NotPending(DomainError):
    template = "this sign-in attempt has already been decided"


class NotSignedIn(DomainError):
    template = "this sign-in attempt opened no session"


class AlreadyEnded(DomainError):
    template = "this session has already ended"


class SignIn(TrackedAggregate):
    class SignInAttempted(TrackedAggregate.Created):
        username: str
        address: str
        community: str | None  # the account's, so a community's auditor sees its own

    class SignInDecided(TrackedAggregate.Event):
        outcome: SignInOutcome

        def apply(self, aggregate: Any) -> None:
            aggregate.outcome = self.outcome

    class SessionEnded(TrackedAggregate.Event):
        reason: SessionEnd

        def apply(self, aggregate: Any) -> None:
            aggregate.ended = self.reason

    def __init__(self, actor: str, username: str, address: str, community: str | None) -> None:
        self.username = username
        self.address = address
        self.community = community
        self.outcome = SignInOutcome.PENDING
        self.ended: SessionEnd | None = None

    @classmethod
    def attempt(cls, act: Act, *, username: str, address: str, community: str | None) -> SignIn:
        return cls._create(
            cls.SignInAttempted,
            id=uuid4(),
            actor=act.actor,
            timestamp=act.at,
            username=typed_username(username),
            address=client_address(address),
            community=community,
        )

    def decide(self, act: Act, outcome: SignInOutcome) -> None:
        if self.outcome is not SignInOutcome.PENDING:
            raise NotPending()
        if outcome is SignInOutcome.PENDING:
            raise InvalidValue(field="outcome", problem="an attempt is decided once")
        self._trigger(self.SignInDecided, act, outcome=outcome)

    @property
    def is_open(self) -> bool:
        """A session this attempt opened and no sign-out or idle end has closed."""
        return self.outcome is SignInOutcome.SIGNED_IN and self.ended is None

    def end(self, act: Act, reason: SessionEnd) -> None:
        if self.outcome is not SignInOutcome.SIGNED_IN:
            raise NotSignedIn()
        if self.ended is not None:
            raise AlreadyEnded()
        self._trigger(self.SessionEnded, act, reason=SessionEnd(reason))
