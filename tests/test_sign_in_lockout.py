"""The lockout under parallel sign-ins, through the service, on both stores.

Right passwords sent at the same moment all get in (undecided attempts ahead
of them lock nothing), while wrong guesses sent at the same moment are still
locked from the sixth on, and a lock set by real failures checks no password.
"""

from __future__ import annotations

import functools
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.story import PASSWORD, hire
from tracker.aggregates.sign_in import SignIn
from tracker.application import Tracker
from tracker.errors import TrackerError
from tracker.passwords import hash_password
from tracker.roles import Role
from tracker.services import accounts
from tracker.services.accounts import AuthenticationFailed
from tracker.services.sign_ins import SignIns

WRONG = "not-the-password"
SIGNED_IN = "signed in"


def _all_at_once(attempts: list[Callable[[], object]]) -> Counter[str]:
    """Every attempt in its own thread, released together, as parallel requests would come."""
    start = threading.Barrier(len(attempts))

    def run(attempt: Callable[[], object]) -> str:
        start.wait()
        try:
            attempt()
        except TrackerError as error:
            return type(error).__name__
        return SIGNED_IN

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return Counter(pool.map(run, attempts))


def _signing_in(app: Tracker, username: str, password: str, address: str) -> Callable[[], object]:
    return lambda: app.sign_ins.sign_in(username, password, address)


def _checked(app: Tracker, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The usernames whose password was checked, in order."""
    checked: list[str] = []
    authenticate = app.accounts.authenticate

    def counting(username: str, password: str) -> object:
        checked.append(username)
        return authenticate(username, password)

    monkeypatch.setattr(app.accounts, "authenticate", counting)
    return checked


@pytest.mark.parametrize("times", [8, 16])
def test_right_passwords_of_one_user_sent_at_once_all_sign_in(app: Tracker, times: int) -> None:
    hire(app)
    attempts = [_signing_in(app, "li", PASSWORD, "10.0.0.1") for _ in range(times)]
    assert _all_at_once(attempts) == Counter({SIGNED_IN: times})


def test_right_passwords_of_many_users_from_one_address_all_sign_in(
    app: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One hash for every account: hashing 27 times would only slow the test down.
    monkeypatch.setattr(accounts, "hash_password", functools.cache(hash_password))
    users = [(f"clerk{n}", "xinmin", (Role.OFFICER,)) for n in range(27)]
    hire(app, *users)
    attempts = [_signing_in(app, name, PASSWORD, "10.0.0.9") for name, _, _ in users]
    assert _all_at_once(attempts) == Counter({SIGNED_IN: 27})


def test_right_passwords_sent_with_fewer_wrong_guesses_than_lock_all_sign_in(
    app: Tracker,
) -> None:
    hire(app)
    attempts = [_signing_in(app, "li", WRONG, "10.0.0.1") for _ in range(4)]
    attempts += [_signing_in(app, "li", PASSWORD, "10.0.0.1") for _ in range(8)]
    assert _all_at_once(attempts) == Counter({"AuthenticationFailed": 4, SIGNED_IN: 8})


@pytest.mark.parametrize(("username", "times"), [("li", 10), ("li", 40), ("nobody", 10)])
def test_wrong_guesses_sent_at_once_are_locked_from_the_sixth_unchecked(
    app: Tracker, monkeypatch: pytest.MonkeyPatch, username: str, times: int
) -> None:
    hire(app)
    checked = _checked(app, monkeypatch)
    attempts = [_signing_in(app, username, WRONG, "10.0.0.1") for _ in range(times)]
    assert _all_at_once(attempts) == Counter({"AuthenticationFailed": 5, "SignInLocked": times - 5})
    assert len(checked) == 5  # the locked guesses were never checked


def test_wrong_guesses_at_many_usernames_from_one_address_are_locked_from_the_21st(
    app: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    hire(app)
    checked = _checked(app, monkeypatch)
    attempts = [_signing_in(app, f"guess{n}", WRONG, "10.0.0.9") for n in range(30)]
    assert _all_at_once(attempts) == Counter({"AuthenticationFailed": 20, "SignInLocked": 10})
    assert len(checked) == 20


def test_a_lock_by_real_failures_refuses_right_passwords_sent_at_once_unchecked(
    app: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    hire(app)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            app.sign_ins.sign_in("li", WRONG, "10.0.0.1")
    checked = _checked(app, monkeypatch)
    attempts = [_signing_in(app, "li", PASSWORD, "10.0.0.1") for _ in range(8)]
    assert _all_at_once(attempts) == Counter({"SignInLocked": 8})
    assert checked == []


def test_attempts_left_undecided_hold_a_right_password_only_briefly(
    app: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attempts recorded by a worker that died before deciding them lock no one."""
    hire(app)
    monkeypatch.setattr(SignIns, "pending_wait", 0.3)
    act = app.act("li")
    for _ in range(5):
        app.commit(SignIn.attempt(act, username="li", address="10.0.0.1", community="xinmin"))
    session = app.sign_ins.sign_in("li", PASSWORD, "10.0.0.1")
    assert session.principal.username == "li"
    with pytest.raises(AuthenticationFailed):
        app.sign_ins.sign_in("li", WRONG, "10.0.0.1")  # a failure, not a lock
