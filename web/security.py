"""Who is signed in, the CSRF token of their session, and the headers every answer carries.

The session cookie is signed, not encrypted (Starlette's ``SessionMiddleware``),
so it holds only the username, the id of the sign-in's record, the CSRF
token and the language.  The user and the sign-in are resolved from the
store on every request, so a deactivated account, a changed role or a
sign-out (which ends the record) takes effect at once, even for a copy of the
cookie kept from before.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING
from uuid import UUID

from fastapi import Request

from tracker.aggregates.sign_in import SessionEnd
from tracker.errors import TrackerError
from tracker.permissions import Principal
from tracker.services.accounts import PasswordChanged

if TYPE_CHECKING:
    from tracker.application import Tracker

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"

# No inline script or style anywhere: htmx and the stylesheet are files of this app.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class LoginRequired(Exception):
    """No one is signed in (or the account was deactivated since)."""


class CsrfRefused(Exception):
    """A state-changing request without this session's token."""


def csrf_token(request: Request) -> str:
    """This session's token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """A header for htmx requests, a hidden field for plain forms; compared in constant time."""
    expected = request.session.get("csrf")
    given = request.headers.get(CSRF_HEADER) or None
    if given is None:
        form = await request.form()
        field = form.get(CSRF_FIELD)
        given = field if isinstance(field, str) else None
    if not isinstance(expected, str) or given is None:
        raise CsrfRefused()
    if not secrets.compare_digest(expected.encode(), given.encode()):
        raise CsrfRefused()


def peer_address(request: Request) -> str:
    """The address failures are counted by: a proxy's own, unless uvicorn trusts its header."""
    return request.client.host if request.client is not None else "unknown"


def sign_in(request: Request, username: str, password: str) -> Principal:
    """Check the password (recorded, and refused while locked) and open a fresh session.

    Nothing is carried over from before the login but the language.
    """
    app: Tracker = request.app.state.tracker
    session = app.sign_ins.sign_in(username, password, peer_address(request))
    who = session.principal
    language = request.session.get("lang")
    request.session.clear()
    request.session["user"] = who.username
    request.session["sign_in"] = str(session.sign_in_id)
    request.session["mark"] = session.password_mark
    request.session["seen"] = request.app.state.tracker.clock.now().timestamp()
    if language is not None:
        request.session["lang"] = language
    csrf_token(request)
    return who


def sign_out(request: Request, reason: SessionEnd = SessionEnd.SIGNED_OUT) -> None:
    """End the session, and its sign-in record with the reason."""
    sign_in_id = request.session.get("sign_in")
    if isinstance(sign_in_id, str):
        app: Tracker = request.app.state.tracker
        app.sign_ins.sign_out(UUID(sign_in_id), reason)
    language = request.session.get("lang")
    request.session.clear()
    if language is not None:
        request.session["lang"] = language


def _uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise LoginRequired() from None


def current_user(request: Request) -> Principal:
    """The signed-in user, as the store knows them now; a session left idle too long has ended."""
    username = request.session.get("user")
    sign_in_id = request.session.get("sign_in")
    if not isinstance(username, str) or not isinstance(sign_in_id, str):
        raise LoginRequired()
    app: Tracker = request.app.state.tracker
    if not app.sign_ins.is_open(_uuid(sign_in_id)):
        request.session.clear()  # signed out elsewhere: this is a copy of an ended session
        raise LoginRequired()
    now = app.clock.now().timestamp()
    seen = request.session.get("seen")
    idle = request.app.state.settings.session_idle_minutes * 60
    if not isinstance(seen, (int, float)) or now - seen > idle:
        sign_out(request, SessionEnd.IDLE)
        raise LoginRequired()
    request.session["seen"] = now
    mark = request.session.get("mark")
    try:
        return app.accounts.principal(username, password_mark=mark if isinstance(mark, str) else "")
    except PasswordChanged:
        sign_out(request, SessionEnd.PASSWORD_CHANGED)
        raise LoginRequired() from None
    except TrackerError:
        request.session.clear()
        raise LoginRequired() from None
