"""A case's page: its facts, each deadline with the days left, and the commands the user may give.

Each command is a small form posted to ``/{kind}s/{id}/{command}``; it carries
the version the user saw, so a change by someone else in between is refused
(and the form comes back with what the user typed).  An htmx post gets the
form back with its errors, or a redirect to the updated page; a plain post
gets the whole page, or a redirect.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from tracker.application import Tracker
from tracker.clock import SHANGHAI
from tracker.errors import CaseNotFound, ConcurrentChange, FutureDate, TrackerError
from tracker.permissions import Principal
from web import i18n
from web.case_forms import FORMS
from web.forms import CommandForm, field_of
from web.labels import FIELDS, N_
from web.rendering import is_htmx, render
from web.security import check_csrf, current_user

router = APIRouter()

PATHS = {"petition": "petitions", "approval": "approvals", "fee": "fees"}
KINDS = {path: kind for kind, path in PATHS.items()}
KindPath = Annotated[str, Path(pattern="^(petitions|approvals|fees)$")]

FORM_INCOMPLETE = N_("The form is incomplete. Reload the page and try again.")
# The version a form carries: ASCII digits ("²" is a digit to ``str.isdigit``, not to ``int``),
# few enough to be a version and to fit every store's integers.
VERSION = re.compile(r"[0-9]{1,18}")


def end_of(day: date) -> datetime:
    """The last moment of a day in Shanghai: "as known on" a day means at its end."""
    return datetime.combine(day + timedelta(days=1), time(), SHANGHAI) - timedelta(microseconds=1)


def known_on(as_of: date, today: date) -> datetime:
    """The moment a case or a report "as known on" ``as_of`` is read at: the end of that day.

    A later day than ``today`` is refused: it has not ended yet (and the calendar's last
    day has no end that can be written).
    """
    if as_of > today:
        raise FutureDate(field="as_of", value=as_of)
    return end_of(as_of)


def case_url(kind: str, case_id: UUID | str) -> str:
    return f"/{PATHS[kind]}/{case_id}"


def service_for(app: Tracker, kind: str) -> Any:
    return {"petition": app.petitions, "approval": app.approvals, "fee": app.fees}[kind]


def _page(
    request: Request,
    who: Principal,
    kind: str,
    case_id: UUID,
    *,
    failed: tuple[str, dict[str, str], dict[str, str], str | None] | None = None,
    status_code: int = 200,
    as_of: date | None = None,
) -> Response:
    """The whole page; ``failed`` re-shows one form with its input, errors and message.

    ``as_of``: the case as it was known at the end of that day, to read only.
    """
    app: Tracker = request.app.state.tracker
    service = service_for(app, kind)
    if as_of is None:
        case = service.get(who, case_id)
        forms = [FORMS[kind][c] for c in service.commands(who, case_id) if c in FORMS[kind]]
    else:
        case = service.get(who, case_id, as_known_on=known_on(as_of, app.clock.today()))
        forms = []
    context: dict[str, Any] = {
        "who": who,
        "kind": kind,
        "case": case,
        "forms": forms,
        "unshown": _unshown(kind, failed, forms),
        "action_base": case_url(kind, case_id),
        "failed": failed,
        "as_of": as_of,
        "audit_url": f"/audit/{PATHS[kind]}/{case_id}",
        "today": app.clock.today() if as_of is None else as_of,
    }
    return render(request, f"case_{kind}.html", context, status_code=status_code)


def _unshown(
    kind: str,
    failed: tuple[str, dict[str, str], dict[str, str], str | None] | None,
    forms: list[CommandForm],
) -> dict[str, Any] | None:
    """A refused command whose form the page no longer offers (its stage has passed, say):
    its title, message and field errors (with their labels), to show above the forms."""
    if failed is None or failed[0] in {form.command for form in forms}:
        return None
    command, _, errors, message = failed
    form = FORMS[kind][command]
    labels = {item.name: item.label for item in form.inputs}
    return {
        "title": form.title,
        "message": message,
        "errors": [(labels.get(name, name), text) for name, text in errors.items()],
    }


@router.get("/{kinds}/{case_id}", include_in_schema=False)
def case_page(
    request: Request,
    kinds: KindPath,
    case_id: UUID,
    who: Annotated[Principal, Depends(current_user)],
    as_of: date | None = None,
) -> Response:
    return _page(request, who, KINDS[kinds], case_id, as_of=as_of)


@router.post(
    "/{kinds}/{case_id}/{command}", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
async def give_command(
    request: Request,
    kinds: KindPath,
    case_id: UUID,
    command: Annotated[str, Path(pattern="^[a-z_]{2,40}$")],
    who: Annotated[Principal, Depends(current_user)],
) -> Response:
    kind = KINDS[kinds]
    form = FORMS[kind].get(command)
    if form is None:
        return render(
            request,
            "error.html",
            {"status": 404, "message": _text(request, "Page not found.")},
            status_code=404,
        )
    data = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    return _run(request, who, kind, case_id, form, data)


def _text(request: Request, message: str) -> str:
    return i18n.translations(request.state.locale).gettext(message)


def _run(
    request: Request,
    who: Principal,
    kind: str,
    case_id: UUID,
    form: CommandForm,
    data: dict[str, str],
) -> Response:
    app: Tracker = request.app.state.tracker
    service = service_for(app, kind)
    who.require(service.COMMANDS[form.command])  # a refused role hears so whatever it typed
    version = _version(data.get("expected_version", ""))
    values, errors = form.parse(data)
    message: str | None = None
    status = 422
    if version is None:
        message = _text(request, FORM_INCOMPLETE)
    elif not errors:
        try:
            form.run(service, who, case_id, values, version)
        except ConcurrentChange as error:
            message, status = i18n.error_message(error, request.state.locale), 409
        except TrackerError as error:
            if isinstance(error, CaseNotFound) and error.params.get("case_id") == case_id:
                raise  # not this user's to see: 404 as on every page, htmx or not
            named = field_of(error, form)
            names = {**FIELDS, **{item.name: item.label for item in form.inputs}}
            text = i18n.error_message(error, request.state.locale, names)
            if named is None:
                message = text
            else:
                errors[named] = text
        else:
            target = case_url(kind, case_id)
            if is_htmx(request):
                return Response(status_code=204, headers={"HX-Redirect": target})
            return RedirectResponse(target, status_code=303)
    translated = {
        name: i18n.translations(request.state.locale).gettext(text) for name, text in errors.items()
    }
    failed = (form.command, data, translated, message)
    if is_htmx(request):
        if (
            status == 409
        ):  # what the user typed stays; a new try applies it to the case as it is now
            version = service.get(who, case_id).version
        context = {
            "form": form,
            "action_base": case_url(kind, case_id),
            "failed": failed,
            "version": version,
            "today": app.clock.today(),
            "conflict": status == 409,
        }
        return render(request, "command_form.html", context, status_code=status)
    return _page(request, who, kind, case_id, failed=failed, status_code=status)


def _version(raw: str) -> int | None:
    return int(raw) if VERSION.fullmatch(raw) else None
