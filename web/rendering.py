"""Pages and their fragments, rendered in the user's language.

One Jinja2 environment per locale (``install_gettext_translations`` changes
an environment's globals, so one shared environment cannot be switched per
request).  A request from htmx gets only the block it asked for
(``jinja2-fragments``); any other gets the whole page, so every URL works
on its own.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2_fragments import render_block

from tracker.permissions import Action
from web import i18n, labels
from web.security import csrf_token

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters["day"] = lambda value: i18n.day(value, locale)
    env.filters["moment"] = lambda value: i18n.moment(value, locale)
    env.filters["money"] = lambda value: i18n.money(value, locale)
    env.globals["locale"] = locale
    env.globals["locales"] = i18n.LOCALES
    env.globals["labels"] = labels
    env.globals["Action"] = Action
    env.globals["csrf_token"] = csrf_token
    return env


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    block: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The whole page, or for an htmx request the named ``block`` of it."""
    locale = request.state.locale
    env = environment(locale)
    names = {c.code: c.name for c in request.app.state.tracker.policy.communities}
    values = {"request": request, "community_name": lambda code: names.get(code, code), **context}
    if block is not None and is_htmx(request):
        html = render_block(env, template, block, values)
    else:
        html = env.get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code, headers={"Vary": "HX-Request"})
