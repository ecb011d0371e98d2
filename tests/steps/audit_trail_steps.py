"""Steps for the audit trail: what an auditor reads in a case's trail and in the global feed.

Step texts say 操作记录 so that they never match the 历史 steps of accounts (which
read the event store through app.audit).  The feed service is constructed here;
the application does not attach it.
"""

from __future__ import annotations

import json
from typing import Any

from pytest_bdd import parsers, then, when

from tests.steps.world import World
from tracker.clock import SHANGHAI
from tracker.projections.audit_trail import AuditRow
from tracker.services.audit_feed import AuditFeed

NOTHING = "无"
CREATED = "新建"


def _feed(world: World) -> AuditFeed:
    return AuditFeed(world.app)


def _value(value: Any) -> str:
    if value is None:
        return NOTHING
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _changes(row: AuditRow) -> str:
    """ "field: before → after" joined by "；"; a creating event reads as 新建."""
    if row.version == 1:
        return CREATED
    return "；".join(f"{c.field}: {_value(c.before)} → {_value(c.after)}" for c in row.changes)


def _columns(row: AuditRow) -> dict[str, str]:
    return {
        "操作": row.event_type,
        "操作人": row.actor,
        "记录时间": row.recorded_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        "业务日期": "" if row.business_date is None else row.business_date.isoformat(),
        "改动": _changes(row),
        "理由": row.reason or "",
        "类别": row.kind,
        "社区": row.community or "",
    }


def _matches(rows: list[AuditRow] | tuple[AuditRow, ...], datatable: list[list[str]]) -> None:
    """The rows, in order, show exactly the table's rows in the table's columns."""
    header, *expected = datatable
    actual = [[_columns(row)[name] for name in header] for row in rows]
    assert actual == expected, f"\n{header}\n" + "\n".join(map(str, actual))


@then(parsers.parse('"{username:w}" 看到该件的操作记录为:'))
def trail_is(world: World, username: str, datatable: list[list[str]]) -> None:
    _matches(_feed(world).case_trail(world.user(username), world.case), datatable)


@then("该件的操作记录与事件存储中的历史逐条一致")
def trail_matches_history(world: World) -> None:
    history = world.app.audit.history(world.reader, world.case)
    trail = _feed(world).case_trail(world.reader, world.case)
    assert [(r.version, r.event_type, r.actor, r.recorded_at, r.business_date) for r in trail] == [
        (h.version, h.kind, h.actor, h.recorded_at, h.business_date) for h in history
    ]


@then(parsers.parse('"{username:w}" 按操作人 "{actor:w}" 筛选全局操作记录，看到:'))
def feed_by_actor(world: World, username: str, actor: str, datatable: list[list[str]]) -> None:
    page = _feed(world).feed(world.user(username), actor=actor)
    assert page.total == len(page.rows)
    _matches(page.rows, datatable)


@then(parsers.parse('"{username:w}" 的全局操作记录共 {count:d} 条，都属于社区 "{community}"'))
def feed_in_community(world: World, username: str, count: int, community: str) -> None:
    page = _feed(world).feed(world.user(username), per_page=500)
    assert page.total == count, [(r.event_type, r.community) for r in page.rows]
    assert {row.community for row in page.rows} == {community}


@then(parsers.parse('"{username:w}" 的全局操作记录中{verdict}账户的记录'))
def feed_shows_accounts(world: World, username: str, verdict: str) -> None:
    page = _feed(world).feed(world.user(username), kind="account", per_page=500)
    assert (page.total > 0) is (verdict == "有"), page.total


@when(parsers.parse('"{username:w}" 调阅 "{name}" 的操作记录'))
def open_trail(world: World, username: str, name: str) -> None:
    world.attempt(lambda: _feed(world).case_trail(world.user(username), world.cases[name]))
