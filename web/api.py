"""The JSON API: the pages' commands and queries for other programs, described in /openapi.json.

It signs in with the same session (``POST /api/session`` answers the CSRF
token that every later POST sends in ``X-CSRF-Token``) and goes through the
same services, so the same permission checks and community scope apply.
Each command's body is made from its form's fields, so the API and the pages
accept the same values.  Refusals answer JSON: ``{"error", "message", "field"}``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, create_model

from tracker.application import Recorded, Tracker
from tracker.display import render
from tracker.errors import (
    InvalidValue,
    TrackerError,
)
from tracker.permissions import Principal
from tracker.person import Person
from tracker.resident_id import ResidentId
from tracker.text import rule_of
from web import i18n, refusals
from web.case_forms import FORMS
from web.forms import CommandForm, Input, parse_inputs
from web.pages.audit import FeedFilters, trail_of
from web.pages.case_page import PATHS, known_on, service_for
from web.pages.cases import CaseFilters
from web.pages.new_case import form_for
from web.pages.reports import ReportFilters
from web.security import check_csrf, csrf_token, current_user, sign_in, sign_out

router = APIRouter(prefix="/api", tags=["api"])
Who = Annotated[Principal, Depends(current_user)]


class Credentials(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)


class SessionOut(BaseModel):
    username: str
    roles: list[str]
    community: str | None
    csrf_token: str


@router.post("/session")
def open_session(request: Request, credentials: Credentials) -> SessionOut:
    """Sign in; the answer's ``csrf_token`` goes in the ``X-CSRF-Token`` header of later POSTs."""
    who = sign_in(request, credentials.username, credentials.password)
    return SessionOut(
        username=who.username,
        roles=sorted(role.value for role in who.roles),
        community=who.community,
        csrf_token=csrf_token(request),
    )


@router.post("/session/end", dependencies=[Depends(check_csrf)])
def end_session(request: Request) -> dict[str, bool]:
    sign_out(request)
    return {"signed_out": True}


@router.get("/cases")
def cases(request: Request, who: Who, filters: Annotated[CaseFilters, Query()]) -> Any:
    app: Tracker = request.app.state.tracker
    page = app.cases.list(who, filters.query())
    return {
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "rows": render(page.rows),
    }


@router.get("/cases/{kind}/{case_id}")
def case(
    request: Request,
    who: Who,
    kind: Literal["petition", "approval", "fee"],
    case_id: UUID,
    as_of: date | None = None,
) -> Any:
    """A case as it is (with the commands this user may give), or as known at the end of a day."""
    app: Tracker = request.app.state.tracker
    service = service_for(app, kind)
    if as_of is None:
        return {
            "case": render(service.get(who, case_id)),
            "commands": service.commands(who, case_id),
        }
    as_known_on = known_on(as_of, app.clock.today())
    return {"case": render(service.get(who, case_id, as_known_on=as_known_on)), "commands": []}


# -- commands on a case: one route per command, its body made from the form ---------------


def _field_type(item: Input) -> Any:
    if item.kind == "date":
        return date
    if item.kind == "int":
        return int
    if item.kind == "choice":
        return Literal[tuple(value for value, _ in item.choices)]
    if item.kind == "schedule":
        return list[Instalment]
    if item.kind == "case":
        return UUID
    return str  # text, textarea, money (yuan, e.g. "1200.50")


class Instalment(BaseModel):
    due_on: date
    amount: str = Field(description="yuan, e.g. 3000 or 3000.50")


def _body_model(kind: str, form: CommandForm) -> type[BaseModel]:
    """The command's JSON body: its form's fields with their types, and the version read."""
    fields: dict[str, Any] = {
        "expected_version": (int, Field(ge=1, description="the version the client read")),
    }
    for item in form.inputs:
        annotation = _field_type(item)
        info: Any = Field(max_length=item.max_length) if annotation is str else Field()
        if item.kind in ("text", "textarea") and not item.required:
            info = Field(default="", max_length=item.max_length)
        elif not item.required:
            annotation, info = annotation | None, Field(default=None)
        fields[item.name] = (annotation, info)
    name = "".join(part.title() for part in f"{kind}_{form.command}".split("_")) + "Command"
    model: type[BaseModel] = create_model(name, __config__=ConfigDict(extra="forbid"), **fields)
    return model


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # a schedule
        return "\n".join(f"{row['due_on']} {row['amount']}" for row in value)
    return str(value)


def _add_command(kind: str, form: CommandForm) -> None:
    body_model = _body_model(kind, form)

    def command(request: Request, who: Who, case_id: UUID, body: BaseModel) -> Any:
        app: Tracker = request.app.state.tracker
        service = service_for(app, kind)
        who.require(service.COMMANDS[form.command])
        data = {k: _as_text(v) for k, v in body.model_dump(mode="json").items()}
        values, errors = form.parse(data)
        if errors:
            name, message = next(iter(errors.items()))
            raise InvalidValue(field=name, problem=message)
        recorded: Recorded = form.run(service, who, case_id, values, int(data["expected_version"]))
        return {"case_id": str(case_id), "version": recorded.version}

    command.__name__ = f"{kind}_{form.command}"
    command.__annotations__["body"] = body_model  # the model FastAPI validates and documents
    router.post(
        f"/cases/{kind}/{{case_id}}/{form.command}",
        dependencies=[Depends(check_csrf)],
        summary=f"{kind}: {form.command.replace('_', ' ')}",
    )(command)


for _kind, _forms in FORMS.items():
    for _form in _forms.values():
        _add_command(_kind, _form)


# -- opening a case --------------------------------------------------------------------


class PersonIn(BaseModel):
    name: str = Field(min_length=1, max_length=rule_of("name").max_length)
    id_number: str | None = Field(default=None, max_length=18)


class OpenCase(BaseModel):
    """The fields of the kind's registration form, as on the page."""

    model_config = ConfigDict(extra="forbid")

    people: list[PersonIn] = Field(min_length=1, max_length=3)
    fields: dict[str, str | int] = Field(
        description="petition: channel, received_on, headcount, community, category, summary, "
        "lodged_level, competent_level; approval: community, existing_children, policy_ground, "
        "applied_on; fee: decision_number, community, amount, decided_on, served_on"
    )


@router.post("/cases/{kind}", dependencies=[Depends(check_csrf)], status_code=201)
def open_case(
    request: Request, who: Who, kind: Literal["petition", "approval", "fee"], body: OpenCase
) -> Any:
    app: Tracker = request.app.state.tracker
    form = form_for(app, who, kind)
    who.require(form.action)
    values, errors = parse_inputs(form.inputs, body.fields)
    if errors:
        name, message = next(iter(errors.items()))
        raise InvalidValue(field=name, problem=message)
    values["people"] = tuple(
        Person(p.name, ResidentId.parse(p.id_number, app.clock.today()) if p.id_number else None)
        for p in body.people
    )
    case_id = form.open(app, who, values)
    return {"case_id": str(case_id), "kind": kind, "url": f"/{PATHS[kind]}/{case_id}"}


# -- reports, audit, workload -------------------------------------------------------------


@router.get("/reports/{kind}")
def report(
    request: Request,
    who: Who,
    kind: Literal["petitions", "fees", "approvals"],
    filters: Annotated[ReportFilters, Query()],
) -> Any:
    app: Tracker = request.app.state.tracker
    today = app.clock.today()
    period, asked = filters.chosen_period(today), filters.options(today)
    if kind == "petitions":
        return render(app.petition_reports.figures(who, period, **asked))
    if kind == "fees":
        return render(app.fee_reports.report(who, period, **asked))
    return render(app.approval_reports.report(who, period, **asked))


@router.get("/audit/{kind}/{case_id}")
def trail(
    request: Request, who: Who, kind: Literal["petition", "approval", "fee"], case_id: UUID
) -> Any:
    return render(trail_of(request.app.state.tracker, who, kind, case_id))


@router.get("/audit")
def feed(request: Request, who: Who, filters: Annotated[FeedFilters, Query()]) -> Any:
    return render(filters.ask(request.app.state.tracker, who))


@router.get("/workload")
def workload(request: Request, who: Who, days: Annotated[int, Query(ge=0, le=366)] = 7) -> Any:
    """This user's cases falling due within ``days``, and those overdue."""
    app: Tracker = request.app.state.tracker
    return {
        "due": render(app.workload.due_soon(who, days, officer=who.username)),
        "overdue": render(app.workload.overdue(who, officer=who.username)),
    }


def error_body(error: TrackerError, locale: str) -> JSONResponse:
    """A refusal as JSON, with the status the pages use for it."""
    status = refusals.status_of(error)
    field = error.params.get("field")
    return JSONResponse(
        {
            "error": error.code,
            "message": i18n.error_message(error, locale),
            "field": field if isinstance(field, str) else None,
        },
        status_code=status,
    )
