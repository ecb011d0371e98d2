"""Case lists: filter, search, sort and page in place, with the URL kept shareable."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import Field

from tracker.aggregates.approval import ApprovalStage
from tracker.aggregates.fee_collection import FeeStage
from tracker.aggregates.petition import PetitionStage
from tracker.application import Tracker
from tracker.permissions import Action, Principal
from tracker.projections.case_index import SORTABLE, CaseQuery
from web.query import QueryFilters
from web.rendering import render
from web.security import current_user

router = APIRouter()

STAGES = {
    "petition": tuple(s.value for s in PetitionStage),
    "approval": tuple(s.value for s in ApprovalStage),
    "fee": tuple(s.value for s in FeeStage),
}
ALL_STAGES = tuple(dict.fromkeys(s for stages in STAGES.values() for s in stages))
Stage = Literal[ALL_STAGES]  # type: ignore[valid-type]
Sort = Literal[SORTABLE]  # type: ignore[valid-type]


class CaseFilters(QueryFilters):
    """The list's query string; anything else in it is refused, not ignored."""

    kind: Literal["petition", "approval", "fee"] | None = None
    stage: Stage | None = None
    community: str | None = Field(default=None, max_length=40)
    open: bool | None = None
    overdue: bool | None = None
    collective: bool | None = None
    skip_level: bool | None = None
    text: str | None = Field(default=None, max_length=50)
    opened_from: date | None = None
    opened_to: date | None = None
    sort: Sort = "opened_on"
    descending: bool = True
    page: int = Field(default=1, ge=1, le=100_000)

    def url(self, **changes: object) -> str:
        """This list's address with some values changed; defaults and blanks left out."""
        values = {**self.model_dump(), **changes}
        defaults = CaseFilters().model_dump()
        shown = {
            key: ("true" if value else "false") if isinstance(value, bool) else str(value)
            for key, value in values.items()
            if value not in (None, "") and value != defaults[key]
        }
        return f"/cases?{urlencode(shown)}" if shown else "/cases"

    def query(self) -> CaseQuery:
        values = self.model_dump()
        for key in ("community", "text"):
            values[key] = (values[key] or "").strip() or None
        return CaseQuery(**values, per_page=20)


@router.get("/cases", include_in_schema=False)
def case_list(
    request: Request,
    who: Annotated[Principal, Depends(current_user)],
    filters: Annotated[CaseFilters, Query()],
) -> Response:
    app: Tracker = request.app.state.tracker
    page = app.cases.list(who, filters.query())
    context = {
        "who": who,
        "filters": filters,
        "page": page,
        "today": app.clock.today(),
        "stages": STAGES,
        "communities": app.policy.communities if who.community is None else (),
        "list_url": filters.url,
        "can_open": {
            "petition": who.may(Action.REGISTER_PETITION),
            "approval": who.may(Action.APPLY_APPROVAL),
            "fee": who.may(Action.ASSESS_FEE),
        },
    }
    return render(request, "cases.html", context, block="results")
