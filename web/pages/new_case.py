"""Opening a case: register a petition, apply for an approval, assess a fee.

Each form names its people in rows (a name and an optional ID number); an
ID number is checked against the server's rule as it is typed
(``/check/resident-id``), and again when the form is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from tracker.aggregates.petition import Channel, Level
from tracker.application import Tracker
from tracker.errors import TrackerError
from tracker.permissions import Action, Principal
from tracker.person import Person
from tracker.resident_id import ResidentId
from web import i18n
from web.case_forms import CHANNELS, LEVELS
from web.forms import Input, parse_inputs
from web.labels import FIELDS, N_
from web.pages.case_page import case_url
from web.rendering import is_htmx, render
from web.security import check_csrf, current_user

router = APIRouter()

ID_OK = N_("The ID number is valid.")


@dataclass(frozen=True)
class NewCaseForm:
    """A form that opens a case: scalar inputs, rows of people, and the service call."""

    kind: str
    title: str
    action: Action
    people_label: str
    rows: int
    inputs: tuple[Input, ...]
    open: Callable[[Tracker, Principal, dict[str, Any]], UUID]


def _community(app: Tracker, who: Principal) -> Input:
    choices = tuple(
        (c.code, c.name) for c in app.policy.communities if who.community in (None, c.code)
    )
    return Input("community", N_("Community"), "choice", choices)


def _register(app: Tracker, who: Principal, values: dict[str, Any]) -> UUID:
    return app.petitions.register(
        who,
        channel=Channel(values["channel"]),
        received_on=values["received_on"],
        petitioners=values["people"],
        headcount=values["headcount"],
        community=values["community"],
        category=values["category"],
        summary=values["summary"],
        lodged_level=Level[values["lodged_level"]],
        competent_level=Level[values["competent_level"]],
    ).case_id


def _apply(app: Tracker, who: Principal, values: dict[str, Any]) -> UUID:
    return app.approvals.apply(
        who,
        spouses=values["people"],  # the domain insists on two
        community=values["community"],
        existing_children=values["existing_children"],
        policy_ground=values["policy_ground"],
        applied_on=values["applied_on"],
    ).case_id


def _assess(app: Tracker, who: Principal, values: dict[str, Any]) -> UUID:
    return app.fees.assess(
        who,
        decision_number=values["decision_number"],
        liable_parties=values["people"],
        community=values["community"],
        amount=values["amount"],
        decided_on=values["decided_on"],
        served_on=values["served_on"],
    ).case_id


def form_for(app: Tracker, who: Principal, kind: str) -> NewCaseForm:
    community = _community(app, who)
    if kind == "petition":
        return NewCaseForm(
            kind,
            N_("Register a petition"),
            Action.REGISTER_PETITION,
            N_("Petitioners"),
            3,
            (
                Input("channel", N_("Channel"), "choice", CHANNELS),
                Input("received_on", N_("Received on"), "date", today=True),
                Input("headcount", N_("Headcount"), "int"),
                community,
                Input("category", N_("Category")),
                Input("summary", N_("Summary"), "textarea"),
                Input("lodged_level", N_("Lodged at level"), "choice", LEVELS),
                Input("competent_level", N_("Competent level"), "choice", LEVELS),
            ),
            _register,
        )
    if kind == "approval":
        grounds = tuple((g.code, g.clause) for g in app.policy.policy_grounds)
        return NewCaseForm(
            kind,
            N_("Apply for a second-birth approval"),
            Action.APPLY_APPROVAL,
            N_("Spouses"),
            2,
            (
                community,
                Input("existing_children", N_("Children they have"), "int"),
                Input("policy_ground", N_("Policy ground"), "choice", grounds),
                Input("applied_on", N_("Applied on"), "date", today=True),
            ),
            _apply,
        )
    return NewCaseForm(
        kind,
        N_("Assess a social fee"),
        Action.ASSESS_FEE,
        N_("Liable parties"),
        2,
        (
            Input("decision_number", N_("Decision number")),
            community,
            Input("amount", N_("Amount (yuan)"), "money"),
            Input("decided_on", N_("Decided on"), "date"),
            Input("served_on", N_("Served on"), "date"),
        ),
        _assess,
    )


def _people(
    form: NewCaseForm, data: dict[str, str], today: date, errors: dict[str, str], locale: str
) -> tuple[Person, ...]:
    people = []
    for row in range(1, form.rows + 1):
        name = data.get(f"name_{row}", "").strip()
        number = data.get(f"id_{row}", "").strip()
        if not name and not number:
            continue
        resident: ResidentId | None = None
        if number:
            try:
                resident = ResidentId.parse(number, today)
            except TrackerError as error:
                errors[f"id_{row}"] = i18n.error_message(error, locale, {"id_number": N_("ID")})
                continue
        if not name:
            errors[f"name_{row}"] = i18n.translations(locale).gettext("This field is required.")
            continue
        try:
            people.append(Person(name, resident))
        except TrackerError as error:
            errors[f"name_{row}"] = i18n.error_message(error, locale, {"name": N_("Name")})
    return tuple(people)


def _show(
    request: Request,
    who: Principal,
    form: NewCaseForm,
    *,
    data: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    app: Tracker = request.app.state.tracker
    context = {
        "who": who,
        "form": form,
        "data": data or {},
        "errors": errors or {},
        "message": message,
        "today": app.clock.today(),
    }
    return render(request, "new_case.html", context, block="form", status_code=status_code)


@router.get("/{kinds}/new", include_in_schema=False)
def new_case(
    request: Request, kinds: str, who: Annotated[Principal, Depends(current_user)]
) -> Response:
    form = _form(request, who, kinds)
    return _show(request, who, form)


def _form(request: Request, who: Principal, kinds: str) -> NewCaseForm:
    kind = {"petitions": "petition", "approvals": "approval", "fees": "fee"}.get(kinds)
    if kind is None:
        raise HTTPException(status_code=404)
    form = form_for(request.app.state.tracker, who, kind)
    who.require(form.action)
    return form


@router.post("/{kinds}/new", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def open_case(
    request: Request, kinds: str, who: Annotated[Principal, Depends(current_user)]
) -> Response:
    form = _form(request, who, kinds)
    app: Tracker = request.app.state.tracker
    locale = request.state.locale
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    values, errors = parse_inputs(form.inputs, data)
    catalogue = i18n.translations(locale)
    errors = {name: catalogue.gettext(message) for name, message in errors.items()}
    values["people"] = _people(form, data, app.clock.today(), errors, locale)
    message = None
    if not errors:
        try:
            case_id = form.open(app, who, values)
        except TrackerError as error:
            fields = {item.name: item.label for item in form.inputs}
            text = i18n.error_message(error, locale, {**FIELDS, **fields})
            named = error.params.get("field")
            if named in fields:
                errors[str(named)] = text
            else:
                message = text
        else:
            target = case_url(form.kind, case_id)
            if is_htmx(request):
                return Response(status_code=204, headers={"HX-Redirect": target})
            return RedirectResponse(target, status_code=303)
    return _show(request, who, form, data=data, errors=errors, message=message, status_code=422)


@router.get("/check/resident-id", include_in_schema=False, response_class=HTMLResponse)
def check_resident_id(
    request: Request, who: Annotated[Principal, Depends(current_user)]
) -> HTMLResponse:
    """The server's verdict on an ID number as it is typed: a short message for beside the field."""
    app: Tracker = request.app.state.tracker
    value = next(iter(request.query_params.values()), "").strip()[:40]
    locale = request.state.locale
    if not value:
        return HTMLResponse("")
    try:
        ResidentId.parse(value, app.clock.today())
    except TrackerError as error:
        text = i18n.error_message(error, locale, {"id_number": N_("ID")})
        return render(request, "id_check.html", {"ok": False, "text": text})
    return render(
        request, "id_check.html", {"ok": True, "text": i18n.translations(locale).gettext(ID_OK)}
    )
