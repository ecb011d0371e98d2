"""The FastAPI application: one Tracker per process, built in the lifespan.

The web layer only translates: HTTP in, a command or query of the
application layer, a page or fragment out.  Refusals (``TrackerError``) become
readable messages in the user's language; nothing here decides who may do what.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from tracker.application import Tracker
from tracker.clock import Clock
from tracker.errors import TrackerError
from tracker.projections.database import UNAVAILABLE
from tracker.settings import Settings
from web import api, i18n
from web.labels import N_
from web.pages import api_docs, audit, auth, case_page, cases, home, new_case, posting, reports
from web.refusals import status_of
from web.rendering import is_htmx, render
from web.security import HEADERS, CsrfRefused, LoginRequired

STATIC = Path(__file__).parent / "static"

# Messages of the error pages (ids for the catalogue; see web/locales).
CSRF_REFUSED = N_(
    "This form has expired or did not come from this site. Reload the page and try again."
)
INVALID_FIELDS = N_("Some values are not valid: {fields}")
NOT_FOUND = N_("Page not found.")
REFUSED = N_("The request was refused.")
SIGN_IN = N_("Sign in first.")
FAILED = N_("Something went wrong on our side. Nothing you entered was saved; please try again.")
DATABASE_UNAVAILABLE = N_(
    "The database cannot be reached at the moment. Please try again in a minute; "
    "check whether what you last entered was saved."
)
log = logging.getLogger(__name__)


# In the order they are tried: new_case before case_page, as /petitions/new is no case's address.
ROUTERS = tuple(
    module.router
    for module in (api, api_docs, auth, home, cases, reports, posting, audit, new_case, case_page)
)


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    """The app for ``settings`` (default: from the environment) and ``clock`` (default: system)."""
    chosen = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Read again at start: the module-level app is made at import, the store chosen at start.
        started = settings or Settings()
        app.state.settings = started
        app.state.tracker = Tracker(started, clock=clock)
        try:
            yield
        finally:
            app.state.tracker.close()

    # The API's description only for signed-in users: served by web/pages/api_docs.py.
    app = FastAPI(
        title="Tracker", lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _add_health(app)
    _add_error_pages(app)

    @app.middleware("http")
    async def language_and_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request.state.locale = i18n.chosen(request.session.get("lang"))
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    # Added last, so it runs first: the session is there for everything above.
    app.add_middleware(
        SessionMiddleware,
        secret_key=_session_secret(chosen),
        session_cookie="tracker_session",
        same_site="lax",
        https_only=chosen.secure_cookies,
    )
    return app


def _session_secret(settings: Settings) -> str:
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value()
    log.warning("TRACKER_SESSION_SECRET is not set: sessions end when the server stops")
    return secrets.token_urlsafe(32)


def _add_health(app: FastAPI) -> None:
    @app.get("/health", include_in_schema=False)
    def health(request: Request) -> JSONResponse:
        """The store, how far each read model is behind it, and those stopped by an event.

        ``status`` is ``ok``, ``degraded`` (a read model stopped: the app serves,
        but some figures are short; alert on it) or ``unavailable`` (503: the
        store cannot be read).  No personal data, so it needs no sign-in.
        """
        tracker: Tracker = request.app.state.tracker
        chosen: Settings = request.app.state.settings
        store = "postgresql" if chosen.is_postgres else "sqlite"
        try:
            if tracker.views.inline:
                tracker.views.refresh()  # as any page would: inline, lag is work not yet done
            events = tracker.views.head()
            lag = tracker.views.lag()
            stopped = tracker.views.failures()
        except Exception as error:  # the store's own failure, whatever its driver calls it
            log.exception("health check failed")
            body = {"status": "unavailable", "store": store, "error": type(error).__name__}
            return JSONResponse(body, status_code=503)
        return JSONResponse(
            {
                "status": "degraded" if stopped else "ok",
                "store": store,
                "events": events,
                "lag": lag,
                "stopped": [
                    {
                        "read_model": failure.name,
                        "before_position": failure.position,
                        "since": failure.failed_at.isoformat(),
                    }
                    for failure in stopped
                ],
            }
        )


def _locale(request: Request) -> str:
    """The language the middleware chose; the default where it did not run (a crash)."""
    return i18n.chosen(getattr(request.state, "locale", None))


def _gettext(request: Request, message: str) -> str:
    return i18n.translations(_locale(request)).gettext(message)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == api_docs.SCHEMA_PATH


def _without_input(errors: Sequence[Any]) -> list[Any]:
    """Validation errors as JSON, without the values that were sent.

    The client has its values (one may be a password), and one may hold a lone surrogate,
    which no UTF-8 answer can carry: any left in the rest (a key, a message) is escaped.
    """
    shown = [{key: value for key, value in error.items() if key != "input"} for error in errors]
    return list(_writable(jsonable_encoder(shown)))


def _writable(value: Any) -> Any:
    """``value`` with every lone surrogate in its text written as an escape, ``\\ud800``."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list):
        return [_writable(item) for item in value]
    if isinstance(value, dict):
        return {_writable(key): _writable(item) for key, item in value.items()}
    return value


def _field_of(error: dict[str, Any]) -> str:
    """The name of the field a validation error is about: the last name in its location."""
    return next((part for part in reversed(error.get("loc", ())) if isinstance(part, str)), "")


def _add_error_pages(app: FastAPI) -> None:
    def page(request: Request, status: int, message: str, code: str = "refused") -> Response:
        """An error page, or for the JSON API the same refusal as JSON."""
        if _is_api(request):
            body = {"error": code, "message": message, "field": None}
            return JSONResponse(body, status_code=status)
        request.state.locale = _locale(request)
        return render(
            request, "error.html", {"status": status, "message": message}, status_code=status
        )

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _is_api(request):
            return page(request, 401, _gettext(request, SIGN_IN), "LoginRequired")
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": "/login"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={auth.quote_next(target)}", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, exc: CsrfRefused) -> Response:
        return page(request, 403, _gettext(request, CSRF_REFUSED), "CsrfRefused")

    @app.exception_handler(TrackerError)
    async def refused(request: Request, exc: TrackerError) -> Response:
        if _is_api(request):
            return api.error_body(exc, _locale(request))
        return page(request, status_of(exc), i18n.error_message(exc, _locale(request)))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = _without_input(exc.errors())
        names = list(dict.fromkeys(name for name in map(_field_of, errors) if name))
        message = _gettext(request, INVALID_FIELDS).format(fields=", ".join(names))
        if _is_api(request):
            field = names[0] if names else None
            body = {"error": "RequestValidationError", "message": message, "field": field}
            return JSONResponse({**body, "detail": errors}, status_code=422)
        return page(request, 422, message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = NOT_FOUND if exc.status_code == 404 else REFUSED
        return page(request, exc.status_code, _gettext(request, message), "http")

    async def unavailable(request: Request, exc: Exception) -> Response:
        # The database is down or restarting (or SQLite is busy): no fault of the request.
        log.warning("database unavailable on %s: %s", request.url.path, exc)
        response = page(request, 503, _gettext(request, DATABASE_UNAVAILABLE), "unavailable")
        response.headers["Retry-After"] = "30"
        return response

    for error_class in UNAVAILABLE:
        app.add_exception_handler(error_class, unavailable)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return page(request, 500, _gettext(request, FAILED), "failed")


app = create_app()
