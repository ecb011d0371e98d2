"""Signing in and out, recorded for the auditors, with a lockout after repeated failures.

The rule: when the last N failed sign-ins of a username (since its last
success) or of a client address all fall within the lock period, further
attempts are refused unchecked until that period has passed since the last
of them.  N and the period are settings (5 per username, 20 per address, 15
minutes).  A username is counted whether or not an account has it, and a
locked attempt checks no password, so neither the answer nor its time tells
whether the account exists.

Each attempt is recorded first and then counts the failed and undecided
attempts ahead of it in the log, so attempts sent in parallel are counted
one after another: the sixth of forty simultaneous guesses is already locked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from tracker.aggregates.sign_in import SessionEnd, SignIn, SignInOutcome, typed_username
from tracker.clock import SHANGHAI
from tracker.errors import CaseNotFound, TrackerError
from tracker.permissions import Principal
from tracker.projections.sign_ins import NAME, failures_before
from tracker.services.accounts import AuthenticationFailed
from tracker.services.base import Service


class SignInLocked(TrackerError):
    template = "too many failed sign-ins; try again after {until}"


@dataclass(frozen=True)
class Session:
    """A successful sign-in: the user, and the record a sign-out will close."""

    principal: Principal
    sign_in_id: UUID
    password_mark: str  # a change of password ends the session


def locked_until(failures: Sequence[datetime], limit: int, period: timedelta) -> datetime | None:
    """When a lock set by these failures (newest first) ends; None if they set none."""
    if len(failures) < limit:
        return None
    newest, oldest = failures[0], failures[limit - 1]
    if newest - oldest > period:
        return None
    return newest + period


class SignIns(Service):
    def sign_in(self, username: str, password: str, address: str) -> Session:
        """A session for the right password; each attempt recorded, whatever its outcome."""
        act = self.app.act(typed_username(username))
        community = self.app.accounts.community_of(username)
        attempt = SignIn.attempt(act, username=username, address=address, community=community)
        position = self.app.commit(attempt).position
        until = self.locked_until(attempt.username, attempt.address, position)
        if until is not None:
            self._decide(attempt, SignInOutcome.LOCKED)
            raise SignInLocked(until=until.astimezone(SHANGHAI).strftime("%H:%M"))
        try:
            who = self.app.accounts.authenticate(username, password)
        except AuthenticationFailed:
            self._decide(attempt, SignInOutcome.FAILED)
            raise
        self._decide(attempt, SignInOutcome.SIGNED_IN)
        mark = self.app.accounts.password_mark(who.username)
        return Session(principal=who, sign_in_id=attempt.id, password_mark=mark)

    def sign_out(self, sign_in_id: UUID, reason: SessionEnd) -> None:
        """Close the session's record; one already closed (or never opened) is left as it is."""
        attempt = self._attempt(sign_in_id)
        if attempt is not None and attempt.is_open:
            attempt.end(self.app.act(attempt.username), reason)
            self.app.commit(attempt)

    def is_open(self, sign_in_id: UUID) -> bool:
        """Whether the session this sign-in opened is still on: a copy of an ended one is not."""
        attempt = self._attempt(sign_in_id)
        return attempt is not None and attempt.is_open

    def locked_until(self, username: str, address: str, position: int) -> datetime | None:
        """The end of a lock on this username or address for the attempt at ``position``."""
        settings = self.app.settings
        period = timedelta(minutes=settings.sign_in_lock_minutes)
        # (column, value, failures that lock, counted only since the last success?)
        counts = (
            ("username", username, settings.sign_in_failures, True),
            ("address", address, settings.sign_in_address_failures, False),
        )
        views = self.app.views
        views.refresh()
        locks = []
        with views.db.read() as cursor:
            suffix = views.suffix(cursor, NAME)
            for column, value, limit, since_success in counts:
                failures = failures_before(
                    cursor,
                    suffix,
                    column=column,
                    value=value,
                    position=position,
                    limit=limit,
                    since_success=since_success,
                )
                locks.append(locked_until(failures, limit, period))
        now = self.app.clock.now()
        return max((until for until in locks if until is not None and until > now), default=None)

    def _attempt(self, sign_in_id: UUID) -> SignIn | None:
        try:
            return self.app.load(SignIn, sign_in_id, None)
        except CaseNotFound:
            return None

    def _decide(self, attempt: SignIn, outcome: SignInOutcome) -> None:
        attempt.decide(self.app.act(attempt.username), outcome)
        self.app.commit(attempt)
