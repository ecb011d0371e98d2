"""Signing in and out, and choosing the language."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from tracker.errors import TrackerError
from web import i18n
from web.refusals import status_of
from web.rendering import render
from web.security import check_csrf, csrf_token, sign_in, sign_out

router = APIRouter()


def quote_next(target: str) -> str:
    return quote(target, safe="")


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never an open redirect to another."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None) -> Response:
    return render(
        request,
        "login.html",
        {"next": _safe_next(next), "csrf": csrf_token(request), "error": None, "username": ""},
    )


@router.post("/login", include_in_schema=False, dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    try:
        sign_in(request, username, password)
    except TrackerError as error:
        context = {
            "next": _safe_next(next),
            "csrf": csrf_token(request),
            "error": i18n.error_message(error, request.state.locale),
            "username": username,
        }
        return render(request, "login.html", context, status_code=status_of(error))
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False, dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


@router.get("/language/{locale}", include_in_schema=False)
def language(request: Request, locale: str, next: str | None = None) -> Response:
    """Remember the language in the session; an unknown one falls back to Chinese."""
    request.session["lang"] = i18n.chosen(locale)
    return RedirectResponse(_safe_next(next), status_code=303)
