"""Password hashing with argon2: the only place that knows the algorithm."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tracker.errors import InvalidValue

MIN_LENGTH = 10
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise InvalidValue(
            field="password", problem="at least {minimum} characters", minimum=MIN_LENGTH
        )
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verified against when the username is unknown, so that both answers take as long.
DUMMY_HASH = _hasher.hash("not-a-real-password")
