"""The HTTP status of each kind of refusal, the same on the pages and in the JSON API."""

from __future__ import annotations

from tracker.errors import CaseNotFound, ConcurrentChange, PermissionDenied, TrackerError
from tracker.services.accounts import AuthenticationFailed
from tracker.services.sign_ins import SignInLocked

# Any other refusal is 422: the request was understood and a rule refused it.
STATUS: tuple[tuple[type[TrackerError], int], ...] = (
    (CaseNotFound, 404),  # also another community's case, so ids cannot be probed
    (PermissionDenied, 403),
    (AuthenticationFailed, 401),
    (ConcurrentChange, 409),
    (SignInLocked, 429),
)


def status_of(error: TrackerError) -> int:
    return next((status for kind, status in STATUS if isinstance(error, kind)), 422)
