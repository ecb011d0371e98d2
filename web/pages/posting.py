"""The public posting board (张榜公布): the approval cases now posted, ready to print."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from tracker.application import Tracker
from tracker.permissions import Principal
from tracker.projections.case_index import CaseQuery
from web.rendering import render
from web.security import current_user

router = APIRouter()


@router.get("/posting-board", include_in_schema=False)
def posting_board(
    request: Request,
    who: Annotated[Principal, Depends(current_user)],
    community: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """Names and grounds only: the ID numbers are not for the notice board.

    It is the public notice, so it names the couples: the approvers and officers who print it
    see the names whole, as everywhere; an auditor or admin sees them masked, like every list
    (``tracker.disclosure``).
    """
    app: Tracker = request.app.state.tracker
    chosen = community or None
    listed = app.cases.list(
        who, CaseQuery(kind="approval", stage="posted", community=chosen, per_page=200)
    )
    cases = [app.approvals.get(who, UUID(row.case_id)) for row in listed.rows]
    cases.sort(key=lambda case: (case.community, case.posted_on or case.applied_on))
    context = {
        "who": who,
        "cases": cases,
        "today": app.clock.today(),
        "policy": app.policy,
        "community": chosen,
        "communities": app.policy.communities if who.community is None else (),
    }
    return render(request, "posting_board.html", context)
