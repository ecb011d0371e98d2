"""The auditor's pages: a case's whole timeline, its replay event by event, a case as known
on a past day, the global activity feed, a trail as CSV, and the integrity check."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time
from typing import Annotated, Any, Literal
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import Field

from tracker.application import Tracker
from tracker.clock import SHANGHAI
from tracker.errors import CaseNotFound
from tracker.permissions import Principal
from tracker.projections.audit_trail import AuditPage, AuditRow
from tracker.spreadsheet_safety import as_text_cell
from web import labels
from web.pages.case_page import KINDS, KindPath, case_url, end_of, service_for
from web.query import QueryFilters
from web.rendering import render
from web.security import check_csrf, current_user

router = APIRouter()

CSV_COLUMNS = (
    "position",
    "version",
    "event",
    "actor",
    "recorded_at",
    "business_date",
    "reason",
    "field",
    "before",
    "after",
)


def trail_of(app: Tracker, who: Principal, kind: str, case_id: UUID) -> tuple[AuditRow, ...]:
    """A case's trail, if the case is of ``kind``; a case of another kind is not found here."""
    rows = app.audit_feed.case_trail(who, case_id)
    if not rows or rows[0].kind != kind:
        raise CaseNotFound(case_id=case_id)
    return rows


@router.get("/audit/{kinds}/{case_id}", include_in_schema=False)
def timeline(
    request: Request,
    kinds: KindPath,
    case_id: UUID,
    who: Annotated[Principal, Depends(current_user)],
) -> Response:
    app: Tracker = request.app.state.tracker
    kind = KINDS[kinds]
    rows = trail_of(app, who, kind, case_id)
    context = {"who": who, "kind": kind, "rows": rows, "case_url": case_url(kind, case_id)}
    return render(request, "audit_timeline.html", context)


@router.get("/audit/{kinds}/{case_id}/trail.csv", include_in_schema=False)
def trail_csv(
    request: Request,
    kinds: KindPath,
    case_id: UUID,
    who: Annotated[Principal, Depends(current_user)],
) -> Response:
    """One line per field an event changed (or one per event that changed none).

    Text a user typed is written so that a spreadsheet shows it and runs nothing.
    """
    app: Tracker = request.app.state.tracker
    rows = trail_of(app, who, KINDS[kinds], case_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        head = [
            row.position,
            row.version,
            row.event_type,
            row.actor,
            row.recorded_at.isoformat(),
            row.business_date.isoformat() if row.business_date else "",
            row.reason or "",
        ]
        for change in row.changes or (None,):
            tail = (
                [] if change is None else [change.field, _cell(change.before), _cell(change.after)]
            )
            writer.writerow([as_text_cell(c) if isinstance(c, str) else c for c in head + tail])
    # A byte-order mark, so that spreadsheet programs read the Chinese text as UTF-8.
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="trail-{case_id}.csv"'},
    )


def _cell(value: Any) -> str:
    """Text as it is; lists and mappings as JSON, as the trail renders them."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@router.get("/audit/{kinds}/{case_id}/replay", include_in_schema=False)
def replay(
    request: Request,
    kinds: KindPath,
    case_id: UUID,
    who: Annotated[Principal, Depends(current_user)],
    step: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    """The case after its ``step``-th event, with that event beside it."""
    app: Tracker = request.app.state.tracker
    kind = KINDS[kinds]
    rows = trail_of(app, who, kind, case_id)
    step = min(step, len(rows))
    state = service_for(app, kind).get(who, case_id, version=rows[step - 1].version)
    context = {
        "who": who,
        "kind": kind,
        "case": state,
        "row": rows[step - 1],
        "step": step,
        "steps": len(rows),
        "base": f"/audit/{kinds}/{case_id}/replay",
        "today": app.clock.today(),
    }
    return render(request, "audit_replay.html", context, block="replay")


class FeedFilters(QueryFilters):
    actor: str | None = Field(default=None, max_length=32)
    kind: Literal["petition", "approval", "fee", "account", "claim", "sign_in"] | None = None
    community: str | None = Field(default=None, max_length=40)
    event_type: str | None = Field(default=None, max_length=40)
    recorded_from: date | None = None
    recorded_to: date | None = None
    page: int = Field(default=1, ge=1, le=100_000)

    def url(self, **changes: object) -> str:
        values = {**self.model_dump(), **changes}
        shown = {
            key: str(value)
            for key, value in values.items()
            if value not in (None, "") and (key, value) != ("page", 1)
        }
        return f"/audit/feed?{urlencode(shown)}" if shown else "/audit/feed"

    def ask(self, app: Tracker, who: Principal, per_page: int = 50) -> AuditPage:
        """The feed page these filters select (a day range covers whole Shanghai days)."""
        return app.audit_feed.feed(
            who,
            actor=self.actor,
            kind=self.kind,
            community=self.community,
            event_type=self.event_type,
            recorded_from=_since(self.recorded_from),
            recorded_to=_until(self.recorded_to),
            page=self.page,
            per_page=per_page,
        )


@router.get("/audit/feed", include_in_schema=False)
def feed(
    request: Request,
    who: Annotated[Principal, Depends(current_user)],
    filters: Annotated[FeedFilters, Query()],
) -> Response:
    app: Tracker = request.app.state.tracker
    page = filters.ask(app, who)
    context = {
        "who": who,
        "filters": filters,
        "page": page,
        "feed_url": filters.url,
        "events": sorted(labels.EVENTS),
        "communities": app.policy.communities if who.community is None else (),
    }
    return render(request, "audit_feed.html", context, block="results")


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), SHANGHAI)


# The calendar's first and last days bound nothing (every event lies between them), and
# their edges in Shanghai fall outside the times Python can write in UTC: no bound at all.


def _since(day: date | None) -> datetime | None:
    return None if day is None or day == date.min else start_of(day)


def _until(day: date | None) -> datetime | None:
    return None if day is None or day == date.max else end_of(day)


@router.post("/audit/check", include_in_schema=False, dependencies=[Depends(check_csrf)])
def check(request: Request, who: Annotated[Principal, Depends(current_user)]) -> Response:
    """Recompute every figure from the events now and show whether the read models agree."""
    app: Tracker = request.app.state.tracker
    differences = app.audit.verify(who)
    context = {
        "who": who,
        "differences": [str(d) for d in differences],
        "checked_at": app.clock.now(),
    }
    return render(request, "integrity.html", context, block="result")
