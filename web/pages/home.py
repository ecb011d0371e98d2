"""Each user's home page: what their roles need to see first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from tracker.application import Tracker
from tracker.permissions import Action, Principal
from tracker.roles import Role
from web.rendering import render
from web.security import current_user

router = APIRouter()

DUE_WITHIN_DAYS = 7


@router.get("/", include_in_schema=False)
def home(request: Request, who: Annotated[Principal, Depends(current_user)]) -> Response:
    app: Tracker = request.app.state.tracker
    context: dict[str, object] = {"who": who, "today": app.clock.today(), "days": DUE_WITHIN_DAYS}
    if Role.OFFICER in who.roles:
        context["my_due"] = app.workload.due_soon(who, DUE_WITHIN_DAYS, officer=who.username)
        context["my_overdue"] = app.workload.overdue(who, officer=who.username)
    if Role.APPROVER in who.roles:
        waiting = (
            *app.workload.overdue(who),
            *app.workload.due_soon(who, 30),
        )
        context["decisions"] = tuple(item for item in waiting if item.kind == "approval")
        # Candidates for the approver's other decisions: an extension before the handling
        # limit passes, an instalment plan or a write-off once a fee is unpaid after its due date.
        context["near_limit"] = tuple(
            item
            for item in app.workload.due_soon(who, DUE_WITHIN_DAYS)
            if item.kind == "petition" and item.stage == "accepted"
        )
        context["unpaid"] = tuple(item for item in app.workload.overdue(who) if item.kind == "fee")
    if who.may(Action.VERIFY_STORE):
        context["stopped"] = app.audit.stopped_read_models(who)
    if Role.AUDITOR in who.roles:
        context["activity"] = app.audit_feed.feed(who, per_page=15)
    if Role.ADMIN in who.roles:
        context["accounts"] = app.accounts.list(who)
    if Role.OFFICER in who.roles or Role.APPROVER in who.roles or Role.AUDITOR in who.roles:
        context["loads"] = app.workload.open_by_officer(who)
    return render(request, "home.html", context)
