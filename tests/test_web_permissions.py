"""Who may call which route: every route of the app, as every kind of user, over real HTTP.

Who may do what is one table of the application layer (``tracker.permissions``)
that the services check, but a route can still get around it: a page that
reads a case without its service, a query that forgets the community scope, a
new route nobody thought to guard.  So this test keeps the expected answer of
every route for every kind of user, one line per route (``TABLE``), and calls
each of them as each user: one per role, someone with no session, and users
of another community than the seeded cases, for whom every case route must
answer 404 (not 403), so that identifiers cannot be probed.

The routes come from the app's own route table, exactly as in
``test_web_no_server_errors``; a route without a line in ``TABLE`` fails, and
so does a line for a route the app no longer has.

"Allowed" means the route did its work, never only that it let the request
through: a command is sent with a valid body to a case in the stage the
command needs, a fresh case for each call expected to succeed, so that 200
(API) or 303 (form) means the command was recorded.  Refusals are exact: 403
with ``PermissionDenied``, 404 with ``CaseNotFound``, 303 to the sign-in page
(pages) or 401 (API) without a session.

Each user signs in once per served app (sign-in is throttled per client
address): the clients are module fixtures, and the routes that change the
session (sign-out, language) are called on a copy of the session's cookie,
the sign-outs last.
The whole matrix runs on SQLite; on PostgreSQL the part where the store's
queries matter: every case route as a user of another community, and every
POST as the auditor.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple
from uuid import UUID

import httpx
import pytest
from fastapi.routing import APIRoute
from starlette.routing import Route

from tests.stores import store_settings
from tests.story import COUPLE, PARTY, STAFF, apply_for_second_birth, assess_fee, hire, register
from tests.web import csrf_of, served, signed_in
from tracker.aggregates.petition import Outcome as Reply
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.person import Person
from tracker.resident_id import make_resident_id
from tracker.roles import Role
from web import i18n
from web.app import CSRF_REFUSED, NOT_FOUND, ROUTERS, create_app
from web.case_forms import FORMS
from web.pages.case_page import KINDS, PATHS, service_for

TODAY = date(2026, 3, 2)
PARAMETER = r"{(\w+)(?::\w+)?}"

# -- who calls ---------------------------------------------------------------------------


class User(NamedTuple):
    name: str  # a field of Rule
    username: str | None  # None: no session
    community: str | None  # None: the whole sub-district


# The seeded cases are all of xinmin; the "other_" users belong to dongjie.
USERS = (
    User("officer", "li", "xinmin"),
    User("approver", "wang", None),
    User("auditor", "zhou", None),
    User("admin", "admin", None),
    User("anonymous", None, None),
    User("other_officer", "zhao", "dongjie"),
    User("other_approver", "qian", "dongjie"),
    User("other_auditor", "sun", "dongjie"),
)
EXTRA = (("qian", "dongjie", (Role.APPROVER,)), ("sun", "dongjie", (Role.AUDITOR,)))
ROLES = {
    "officer": Role.OFFICER,
    "approver": Role.APPROVER,
    "auditor": Role.AUDITOR,
    "admin": Role.ADMIN,
}

# -- what they get -----------------------------------------------------------------------


class Outcome(Enum):
    OK = "200"
    CREATED = "201"
    REDIRECT = "303 to where the action leads, not to the sign-in page"
    INVALID = "422, from validating the body: nothing but validation stands in front"
    FORBIDDEN = "403, PermissionDenied"
    NOT_FOUND = "404, CaseNotFound"
    SIGN_IN = "303 to /login?next=… (pages), 401 LoginRequired (API)"


OK = Outcome.OK  # a page, a JSON answer, or a command the API recorded
NEW = Outcome.CREATED  # the API opened a case
MOVE = Outcome.REDIRECT  # a form post that did its work (a command, a new case, signing out)
BAD = Outcome.INVALID  # only for the sign-in routes, sent an over-long name so as not to sign in
DENY = Outcome.FORBIDDEN  # the role may not
HIDE = Outcome.NOT_FOUND  # another community's case, reported as not found
AUTH = Outcome.SIGN_IN  # no session
ALLOWED = (OK, NEW, MOVE, BAD)


class Rule(NamedTuple):
    """The outcome of one route for each kind of user."""

    officer: Outcome
    approver: Outcome
    auditor: Outcome
    admin: Outcome
    anonymous: Outcome
    other_officer: Outcome
    other_approver: Outcome
    other_auditor: Outcome


# fmt: off
#                      officer approver auditor admin anonymous  | dongjie: officer approver auditor
PUBLIC         = Rule(OK,     OK,      OK,     OK,   OK,          OK,      OK,      OK)
PUBLIC_MOVE    = Rule(MOVE,   MOVE,    MOVE,   MOVE, MOVE,        MOVE,    MOVE,    MOVE)
# Signing in is open to all: here only refused as malformed, never for who asks (right and
# wrong passwords, lockout: tests/test_web_sign_in.py, features/sign_in.feature).
CREDENTIALS    = Rule(BAD,    BAD,     BAD,    BAD,  BAD,         BAD,     BAD,     BAD)
SIGNED_IN      = Rule(OK,     OK,      OK,     OK,   AUTH,        OK,      OK,      OK)
# Lists, reports, workload, posting board: READ_CASES, each user in their own scope.
READ_CASES     = Rule(OK,     OK,      OK,     DENY, AUTH,        OK,      OK,      OK)
# The audit feed: case history (READ_HISTORY) or account history (admin, auditor).
READ_FEED      = Rule(OK,     OK,      OK,     OK,   AUTH,        OK,      OK,      OK)
# One case of xinmin, or its trail: READ_CASES / READ_HISTORY, and the community scope.
READ_CASE      = Rule(OK,     OK,      OK,     DENY, AUTH,        HIDE,    HIDE,    HIDE)
# The integrity check covers the whole store: a community's auditor is refused too.
VERIFY         = Rule(DENY,   DENY,    OK,     OK,   AUTH,        DENY,    DENY,    DENY)
# Opening a case (in one's own community): REGISTER_PETITION, APPLY_APPROVAL, ASSESS_FEE.
OPEN_FORM      = Rule(OK,     DENY,    DENY,   DENY, AUTH,        OK,      DENY,    DENY)
OPEN_POST      = Rule(MOVE,   DENY,    DENY,   DENY, AUTH,        MOVE,    DENY,    DENY)
OPEN_API       = Rule(NEW,    DENY,    DENY,   DENY, AUTH,        NEW,     DENY,    DENY)
# Commands on a case of xinmin, through the API (the form's rule is the same, 303 for 200).
BY_OFFICER     = Rule(OK,     DENY,    DENY,   DENY, AUTH,        HIDE,    DENY,    DENY)
BY_APPROVER    = Rule(DENY,   OK,      DENY,   DENY, AUTH,        DENY,    HIDE,    DENY)
BY_EITHER      = Rule(OK,     OK,      DENY,   DENY, AUTH,        HIDE,    HIDE,    DENY)
# fmt: on


class PerCommand:
    """The form of each command: the rule of the command's API route, with 303 for 200."""


AS_THE_API = PerCommand()

RouteKey = tuple[str, str]


def api(kind: str, command: str) -> RouteKey:
    return ("POST", f"/api/cases/{kind}/{{case_id}}/{command}")


TABLE: dict[RouteKey, Rule | PerCommand] = {
    # The API's description (web/pages/api_docs.py): for anyone signed in; the schema's 401 is JSON.
    ("GET", "/openapi.json"): SIGNED_IN,
    ("GET", "/docs"): SIGNED_IN,
    ("GET", "/health"): PUBLIC,
    # Signing in and out, and the language: open to anyone, session or not.
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): CREDENTIALS,
    ("POST", "/logout"): PUBLIC_MOVE,
    ("GET", "/language/{locale}"): PUBLIC_MOVE,
    ("POST", "/api/session"): CREDENTIALS,
    ("POST", "/api/session/end"): PUBLIC,
    # Pages.
    ("GET", "/"): SIGNED_IN,
    ("GET", "/check/resident-id"): SIGNED_IN,
    ("GET", "/cases"): READ_CASES,
    ("GET", "/reports"): READ_CASES,
    ("GET", "/posting-board"): READ_CASES,
    ("GET", "/audit/feed"): READ_FEED,
    ("POST", "/audit/check"): VERIFY,
    ("GET", "/audit/{kinds}/{case_id}"): READ_CASE,
    ("GET", "/audit/{kinds}/{case_id}/trail.csv"): READ_CASE,
    ("GET", "/audit/{kinds}/{case_id}/replay"): READ_CASE,
    ("GET", "/{kinds}/new"): OPEN_FORM,
    ("POST", "/{kinds}/new"): OPEN_POST,
    ("GET", "/{kinds}/{case_id}"): READ_CASE,
    ("POST", "/{kinds}/{case_id}/{command}"): AS_THE_API,
    # The JSON API: queries.
    ("GET", "/api/cases"): READ_CASES,
    ("GET", "/api/cases/{kind}/{case_id}"): READ_CASE,
    ("GET", "/api/reports/{kind}"): READ_CASES,
    ("GET", "/api/audit"): READ_FEED,
    ("GET", "/api/audit/{kind}/{case_id}"): READ_CASE,
    ("GET", "/api/workload"): READ_CASES,
    ("POST", "/api/cases/{kind}"): OPEN_API,
    # The JSON API: commands, as tracker.services.*.COMMANDS and tracker.permissions.RULES say.
    api("petition", "accept"): BY_OFFICER,
    api("petition", "not_accept"): BY_OFFICER,
    api("petition", "forward"): BY_OFFICER,
    api("petition", "assign"): BY_OFFICER,
    api("petition", "grant_extension"): BY_APPROVER,
    api("petition", "reply"): BY_OFFICER,
    api("petition", "record_satisfaction"): BY_OFFICER,
    api("petition", "request_review"): BY_OFFICER,
    api("petition", "request_re_review"): BY_OFFICER,
    api("petition", "stop_clock"): BY_OFFICER,
    api("petition", "give_opinion"): BY_OFFICER,
    api("petition", "terminate"): BY_OFFICER,
    api("petition", "merge_into"): BY_OFFICER,
    api("petition", "add_note"): BY_OFFICER,
    api("petition", "correct"): BY_OFFICER,
    api("approval", "review_eligibility"): BY_EITHER,
    api("approval", "post"): BY_EITHER,
    api("approval", "lodge_objection"): BY_EITHER,
    api("approval", "dismiss_objection"): BY_EITHER,
    api("approval", "uphold_objection"): BY_APPROVER,
    api("approval", "decide"): BY_APPROVER,
    api("approval", "deliver_certificate"): BY_EITHER,
    api("approval", "withdraw"): BY_EITHER,
    api("approval", "correct"): BY_OFFICER,
    api("fee", "approve_instalments"): BY_APPROVER,
    api("fee", "record_payment"): BY_OFFICER,
    api("fee", "file_challenge"): BY_OFFICER,
    api("fee", "apply_enforcement"): BY_OFFICER,
    api("fee", "write_off"): BY_APPROVER,
    api("fee", "cease"): BY_OFFICER,
    api("fee", "correct"): BY_OFFICER,
}

# Values of the path parameters; {case_id} is a seeded case, {command} each form of the kind.
VALUES: dict[str, tuple[str, ...]] = {
    "kind": ("petition", "approval", "fee"),
    "kinds": ("petitions", "approvals", "fees"),
    "locale": ("en",),
}
# Where a route names its values differently.
ROUTE_VALUES: dict[RouteKey, dict[str, tuple[str, ...]]] = {
    ("GET", "/api/reports/{kind}"): {"kind": ("petitions", "approvals", "fees")},
}
# These change the session: called on a copy of its cookie.  Signing out closes the sign-in's
# record in the store, which ends every copy of the cookie: those calls come last.
SESSION_ENDING = {("POST", "/logout"), ("POST", "/api/session/end")}
SESSION_CHANGING = {*SESSION_ENDING, ("GET", "/language/{locale}")}
API_COMMAND = re.compile(r"^/api/cases/(\w+)/\{case_id\}/(\w+)$")


def _routes() -> list[RouteKey]:
    """Every (method, path) of the app: its own routes and those of each router it includes."""
    routes = [*create_app().routes, *(route for router in ROUTERS for route in router.routes)]
    found: list[RouteKey] = []
    for route in routes:
        if isinstance(route, (APIRoute, Route)) and route.methods:
            found.extend((method, route.path) for method in sorted(route.methods - {"HEAD"}))
    return found


# -- the calls: each route with its path values, and the rule for them --------------------


@dataclass(frozen=True)
class Probe:
    method: str
    template: str
    values: tuple[tuple[str, str], ...]  # the path's values but {case_id}
    rule: Rule | None  # None: the table has no rule for it

    @property
    def label(self) -> str:
        shown = ", ".join(value for _, value in self.values)
        return f"{self.method} {self.template}" + (f" [{shown}]" if shown else "")

    @property
    def is_api(self) -> bool:
        return self.template.startswith("/api/") or self.template == "/openapi.json"

    @property
    def kind(self) -> str | None:
        """The kind of case the route is about, if any."""
        values = dict(self.values)
        if "kinds" in values:
            return KINDS[values["kinds"]]
        if "kind" in values:
            return KINDS.get(values["kind"], values["kind"])
        command = self.command
        return None if command is None else command[0]

    @property
    def command(self) -> tuple[str, str] | None:
        """(kind, command) of a command route, through the API or as a form."""
        found = API_COMMAND.match(self.template)
        if self.method == "POST" and found:
            return found.group(1), found.group(2)
        values = dict(self.values)
        if "command" in values:
            return KINDS[values["kinds"]], values["command"]
        return None


def _as_form(rule: Rule | PerCommand | None) -> Rule | None:
    if not isinstance(rule, Rule):
        return None
    return Rule(*(MOVE if outcome is OK else outcome for outcome in rule))


def _probes(method: str, template: str) -> list[Probe]:
    rule = TABLE.get((method, template))
    names = [name for name in re.findall(PARAMETER, template) if name != "case_id"]
    if "command" in names:  # the forms of each kind: the rule of the same API command
        return [
            Probe(
                method,
                template,
                (("kinds", PATHS[kind]), ("command", command)),
                _as_form(TABLE.get(api(kind, command))),
            )
            for kind in FORMS
            for command in FORMS[kind]
        ]
    assert not isinstance(rule, PerCommand), f"{method} {template} has no {{command}}"
    known = {**VALUES, **ROUTE_VALUES.get((method, template), {})}
    choices = [[(name, value) for value in known.get(name, ("?",))] for name in names]
    return [Probe(method, template, tuple(values), rule) for values in itertools.product(*choices)]


ROUTES = _routes()
PROBES = [probe for method, template in ROUTES for probe in _probes(method, template)]
Cell = tuple[Probe, User]
CELLS: list[Cell] = sorted(
    ((probe, user) for probe in PROBES for user in USERS),
    key=lambda cell: (cell[0].method, cell[0].template) in SESSION_ENDING,
)
# On PostgreSQL: where the store's scope and permission queries run.
POSTGRES_CELLS: list[Cell] = [
    (probe, user)
    for probe, user in CELLS
    if ("{case_id}" in probe.template and user.name.startswith("other_"))
    or (probe.method == "POST" and user.name == "auditor")
]


def _params(cells: list[Cell]) -> list[Any]:
    """Each cell, named like "GET /{kinds}/{case_id} [fees] auditor"."""
    return [pytest.param(probe, user, id=f"{probe.label} {user.name}") for probe, user in cells]


# -- the seeded store --------------------------------------------------------------------


class Seeder:
    """Cases of xinmin in the stages the commands need, each made anew when asked for."""

    def __init__(self, app: Tracker) -> None:
        self.app = app
        self.li = app.accounts.principal("li")
        self.wang = app.accounts.principal("wang")
        self.serial = itertools.count(1)
        self.original = register(app, "li", date(2026, 2, 1))  # what duplicates merge into

    # Petitions: received 2026-02-10 and taken a day per step.
    def _petition(self, steps: int, received: date = date(2026, 2, 10)) -> UUID:
        app, li = self.app, self.li
        case_id = register(app, "li", received)
        walk: list[Callable[[date], object]] = [
            lambda day: app.petitions.accept(li, case_id, day),
            lambda day: app.petitions.reply(li, case_id, day, Reply.SUPPORTED, "已按政策兑现"),
            lambda day: app.petitions.request_review(li, case_id, day),
            lambda day: app.petitions.give_opinion(li, case_id, day, Reply.EXPLAINED, "维持"),
            lambda day: app.petitions.request_review(li, case_id, day, re_review=True),
        ]
        for number, step in enumerate(walk[:steps], start=1):
            step(received + timedelta(days=number))
        return case_id

    def registered(self) -> UUID:
        return self._petition(0)

    def accepted(self) -> UUID:
        return self._petition(1)

    def replied(self) -> UUID:
        return self._petition(2)

    def replied_long_ago(self) -> UUID:
        """Replied in December: the window for a review has closed."""
        return self._petition(2, received=date(2025, 12, 1))

    def under_review(self) -> UUID:
        return self._petition(3)

    def reviewed(self) -> UUID:
        return self._petition(4)

    def under_re_review(self) -> UUID:
        return self._petition(5)

    # Approvals: applied 2026-02-02, found eligible the next day.
    def applied(self) -> UUID:
        return apply_for_second_birth(self.app, "li")

    def eligible(self) -> UUID:
        case_id = self.applied()
        self.app.approvals.review_eligibility(self.li, case_id, True, date(2026, 2, 3), "独生子女")
        return case_id

    def posted(self) -> UUID:
        """Posted on 2026-02-25: the posting runs past today."""
        case_id = self.eligible()
        self.app.approvals.post(self.li, case_id, date(2026, 2, 25), "新民社区居务公开栏")
        return case_id

    def objected(self) -> UUID:
        case_id = self.posted()
        self.app.approvals.lodge_objection(self.li, case_id, date(2026, 2, 26), "张某", "异议")
        return case_id

    def posting_over(self) -> UUID:
        """Posted on 2026-02-04: the posting has ended, a decision may be made."""
        case_id = self.eligible()
        self.app.approvals.post(self.li, case_id, date(2026, 2, 4), "新民社区居务公开栏")
        return case_id

    def approved(self) -> UUID:
        case_id = self.posting_over()
        number = f"闽2026-A{next(self.serial)}"
        self.app.approvals.decide(
            self.wang, case_id, True, date(2026, 2, 27), certificate_number=number
        )
        return case_id

    # Fees: assessed in May 2021, before the fee was abolished; nothing paid.
    def assessed(self) -> UUID:
        return assess_fee(self.app, "li", f"鼓东征字〔2021〕{next(self.serial)}号", (PARTY,))


DAY = TODAY.isoformat()
# Each command: the stage its case needs, and a valid body ({serial} and {original} filled in).
SCENARIOS: dict[tuple[str, str], tuple[Callable[[Seeder], UUID], dict[str, str]]] = {
    ("petition", "accept"): (Seeder.registered, {"accepted_on": DAY}),
    ("petition", "not_accept"): (Seeder.registered, {"decided_on": DAY, "reason": "不属本机关"}),
    ("petition", "forward"): (Seeder.registered, {"forwarded_on": DAY, "organ": "区卫健局"}),
    ("petition", "assign"): (Seeder.registered, {"assignee": "li"}),
    ("petition", "add_note"): (Seeder.registered, {"text": "已电话联系信访人"}),
    ("petition", "merge_into"): (
        Seeder.registered,
        {"original_id": "{original}", "reason": "重复"},
    ),
    ("petition", "correct"): (Seeder.registered, {"category": "奖励扶助金", "reason": "登记有误"}),
    ("petition", "grant_extension"): (
        Seeder.accepted,
        {"days": "10", "approved_on": DAY, "reason": "需要调取历年档案"},
    ),
    ("petition", "reply"): (
        Seeder.accepted,
        {"replied_on": DAY, "outcome": "supported", "text": "已按政策兑现"},
    ),
    ("petition", "record_satisfaction"): (
        Seeder.replied,
        {"rating": "satisfied", "recorded_on": DAY},
    ),
    ("petition", "request_review"): (Seeder.replied, {"requested_on": DAY}),
    ("petition", "terminate"): (Seeder.replied_long_ago, {"terminated_on": DAY, "reason": "终结"}),
    ("petition", "give_opinion"): (
        Seeder.under_review,
        {"given_on": DAY, "outcome": "explained", "text": "维持原答复"},
    ),
    ("petition", "request_re_review"): (Seeder.reviewed, {"requested_on": DAY}),
    ("petition", "stop_clock"): (
        Seeder.under_re_review,
        {"start": "2026-02-20", "end": "2026-02-25", "reason": "组织听证"},
    ),
    ("approval", "review_eligibility"): (
        Seeder.applied,
        {"eligible": "true", "reviewed_on": DAY, "grounds": "夫妻一方为独生子女"},
    ),
    ("approval", "withdraw"): (Seeder.applied, {"withdrawn_on": DAY, "reason": "申请人撤回"}),
    ("approval", "correct"): (Seeder.applied, {"existing_children": "2", "reason": "登记有误"}),
    ("approval", "post"): (Seeder.eligible, {"posted_on": DAY, "place": "新民社区居务公开栏"}),
    ("approval", "lodge_objection"): (
        Seeder.posted,
        {"lodged_on": DAY, "objector": "张某", "content": "已有两个子女"},
    ),
    ("approval", "dismiss_objection"): (
        Seeder.objected,
        {"number": "1", "resolved_on": DAY, "reason": "经核实不成立"},
    ),
    ("approval", "uphold_objection"): (
        Seeder.objected,
        {"number": "1", "resolved_on": DAY, "reason": "经核实成立"},
    ),
    ("approval", "decide"): (
        Seeder.posting_over,
        {"approved": "true", "decided_on": DAY, "certificate_number": "闽2026-{serial}"},
    ),
    ("approval", "deliver_certificate"): (
        Seeder.approved,
        {"delivered_on": DAY, "received_by": "林芳", "delivering_officer": "李"},
    ),
    ("fee", "approve_instalments"): (
        Seeder.assessed,
        {
            "applied_on": "2021-06-01",
            "approved_on": "2021-06-05",
            "schedule": "2021-07-01 6000\n2021-08-01 6000",
        },
    ),
    ("fee", "record_payment"): (
        Seeder.assessed,
        {"receipt_number": "R-{serial}", "amount": "3000", "paid_on": "2021-06-01"},
    ),
    ("fee", "file_challenge"): (
        Seeder.assessed,
        {"kind": "review", "filed_on": "2021-06-10", "note": "当事人申请行政复议"},
    ),
    ("fee", "apply_enforcement"): (
        Seeder.assessed,
        {"applied_on": "2021-07-01", "court": "鼓楼区人民法院"},
    ),
    ("fee", "write_off"): (Seeder.assessed, {"written_off_on": DAY, "reason": "无力缴纳"}),
    ("fee", "cease"): (Seeder.assessed, {"ceased_on": DAY, "reason": "社会抚养费已废止"}),
    ("fee", "correct"): (
        Seeder.assessed,
        {"decision_number": "鼓东征字〔2021〕{serial}-1号", "reason": "文号有误"},
    ),
}


@dataclass(frozen=True)
class Target:
    """A case to give a command to, its version, and the command's fields."""

    case_id: UUID
    version: int
    fields: dict[str, str]


SHARED = "shared"  # the case of the refused calls: they must not change it
TargetKey = tuple[bool, str, str, str]  # (through the API, kind, command, user or SHARED)


def _target_key(probe: Probe, user: User) -> TargetKey:
    assert probe.command is not None
    assert probe.rule is not None
    allowed = getattr(probe.rule, user.name) in ALLOWED
    return (probe.is_api, *probe.command, user.name if allowed else SHARED)


def _seed(app: Tracker, cells: list[Cell]) -> tuple[dict[str, UUID], dict[TargetKey, Target]]:
    """The staff, a case of each kind to read, and a case for each command call."""
    hire(app, *EXTRA)
    seeder = Seeder(app)
    views = {
        "petition": seeder.registered(),
        "approval": seeder.applied(),
        "fee": seeder.assessed(),
    }
    targets: dict[TargetKey, Target] = {}
    for probe, user in cells:
        if probe.command is None or probe.rule is None or probe.command not in SCENARIOS:
            continue
        key = _target_key(probe, user)
        if key in targets:
            continue
        stage, fields = SCENARIOS[probe.command]
        case_id = stage(seeder)
        filled = {
            name: value.format(serial=next(seeder.serial), original=seeder.original)
            for name, value in fields.items()
        }
        kind = probe.command[0]
        version = service_for(app, kind).get(seeder.wang, case_id).version
        targets[key] = Target(case_id, version, filled)
    return views, targets


@dataclass
class Site:
    base: str
    clients: dict[str, httpx.Client]
    views: dict[str, UUID]  # a case of xinmin of each kind, to read
    targets: dict[TargetKey, Target]
    serial: Iterator[int] = field(default_factory=lambda: itertools.count(1))


@contextmanager
def _anonymous(base: str) -> Iterator[httpx.Client]:
    """No one signed in, but with a CSRF token, so that a POST meets the sign-in check."""
    with httpx.Client(base_url=base) as client:
        client.headers["X-CSRF-Token"] = csrf_of(client.get("/login").text)
        yield client


@contextmanager
def _site(store_kind: str, tmp_path: Path, cells: list[Cell]) -> Iterator[Site]:
    clock = FixedClock.on(TODAY)
    with store_settings(store_kind, tmp_path) as store:
        seeded = Tracker(store, clock=clock)
        try:
            views, targets = _seed(seeded, cells)
        finally:
            seeded.close()
        with served(store, clock) as base, ExitStack() as stack:
            clients = {
                user.name: stack.enter_context(
                    _anonymous(base) if user.username is None else signed_in(base, user.username)
                )
                for user in USERS
            }
            yield Site(base, clients, views, targets)


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with _site("sqlite", tmp_path_factory.mktemp("store"), CELLS) as site:
        yield site


@pytest.fixture(scope="module")
def postgres_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with _site("postgres", tmp_path_factory.mktemp("store"), POSTGRES_CELLS) as site:
        yield site


# -- one call ----------------------------------------------------------------------------

AN_ID = str(make_resident_id("350102", date(1990, 1, 2), 32))


def _opening(kind: str, community: str, serial: int) -> tuple[dict[str, str | int], list[Person]]:
    """The fields and people of a valid new case of ``kind``."""
    if kind == "petition":
        return {
            "channel": "visit",
            "received_on": DAY,
            "headcount": 1,
            "community": community,
            "category": "奖励扶助",
            "summary": "独生子女父母奖励未兑现",
            "lodged_level": "SUB_DISTRICT",
            "competent_level": "SUB_DISTRICT",
        }, [Person("王秀英")]
    if kind == "approval":
        return {
            "community": community,
            "existing_children": 1,
            "policy_ground": "one-only-child",
            "applied_on": DAY,
        }, list(COUPLE)
    return {
        "decision_number": f"鼓东征字〔2021〕N{serial}号",
        "community": community,
        "amount": "12000",
        "decided_on": "2021-05-20",
        "served_on": "2021-05-25",
    }, [PARTY]


def _open_form(kind: str, community: str, serial: int) -> dict[str, str]:
    fields, people = _opening(kind, community, serial)
    rows: dict[str, str] = {}
    for row, person in enumerate(people, start=1):
        rows[f"name_{row}"] = person.name
        rows[f"id_{row}"] = "" if person.id_number is None else str(person.id_number)
    return {**{name: str(value) for name, value in fields.items()}, **rows}


def _open_json(kind: str, community: str, serial: int) -> dict[str, Any]:
    fields, people = _opening(kind, community, serial)
    return {
        "people": [
            {"name": p.name, "id_number": None if p.id_number is None else str(p.id_number)}
            for p in people
        ],
        "fields": fields,
    }


def _command_json(kind: str, command: str, target: Target) -> dict[str, Any]:
    """The form's fields with the types the API's body model takes."""
    body: dict[str, Any] = {"expected_version": target.version}
    for item in FORMS[kind][command].inputs:
        if item.name not in target.fields:
            continue
        value = target.fields[item.name]
        if item.kind == "int":
            body[item.name] = int(value)
        elif item.kind == "schedule":
            body[item.name] = [
                {"due_on": due, "amount": amount}
                for due, amount in (line.split() for line in value.splitlines())
            ]
        else:
            body[item.name] = value
    return body


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(PARAMETER, lambda found: values[found.group(1)], template)


@dataclass(frozen=True)
class Call:
    path: str
    answer: httpx.Response
    version: int | None = None  # the version a command was sent with


def _call(site: Site, probe: Probe, user: User) -> Call:
    """The probe's route as ``user``, with a body that is valid where the route takes one."""
    client = site.clients[user.name]
    values = dict(probe.values)
    key = (probe.method, probe.template)
    options: dict[str, Any] = {}
    version = None
    if probe.command is not None:
        target = site.targets[_target_key(probe, user)]
        values["case_id"] = str(target.case_id)
        version = target.version
        if probe.is_api:
            options["json"] = _command_json(*probe.command, target)
        else:
            options["data"] = {"expected_version": str(target.version), **target.fields}
    elif "{case_id}" in probe.template:
        assert probe.kind is not None
        values["case_id"] = str(site.views[probe.kind])
    if key == ("POST", "/{kinds}/new") and probe.kind is not None:
        community = user.community or "xinmin"
        options["data"] = _open_form(probe.kind, community, next(site.serial))
    elif key == ("POST", "/api/cases/{kind}") and probe.kind is not None:
        options["json"] = _open_json(probe.kind, user.community or "xinmin", next(site.serial))
    elif key == ("POST", "/login"):
        options["data"] = {"username": "x" * 65, "password": "", "next": "/"}
    elif key == ("POST", "/api/session"):
        options["json"] = {"username": "x" * 65, "password": "x"}
    elif key == ("GET", "/check/resident-id"):
        options["params"] = {"id_1": AN_ID}
    path = _fill(probe.template, values)
    if key in SESSION_CHANGING:
        with httpx.Client(base_url=site.base, cookies=client.cookies) as copy:
            copy.headers.update(client.headers)
            return Call(path, copy.request(probe.method, path, **options))
    return Call(path, client.request(probe.method, path, **options), version)


# -- the verdict ---------------------------------------------------------------------------

# A page's 403 that is a forged request, and its 404 that is no route at all: neither counts.
CSRF_TEXTS = tuple(i18n.translations(locale).gettext(CSRF_REFUSED) for locale in i18n.LOCALES)
NO_PAGE_TEXTS = tuple(i18n.translations(locale).gettext(NOT_FOUND) for locale in i18n.LOCALES)


def _error(answer: httpx.Response) -> object:
    try:
        body = answer.json()
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


def _meets(call: Call, expected: Outcome, probe: Probe) -> bool:
    answer = call.answer
    status, location = answer.status_code, answer.headers.get("location", "")
    to_sign_in = location.startswith("/login?next=")
    if expected is OK:
        return status == 200
    if expected is NEW:
        return status == 201
    if expected is MOVE:
        return status == 303 and not to_sign_in
    if expected is BAD:
        return status == 422
    if expected is DENY:
        if probe.is_api:
            return status == 403 and _error(answer) == "PermissionDenied"
        return status == 403 and not any(text in answer.text for text in CSRF_TEXTS)
    if expected is HIDE:
        if probe.is_api:
            return status == 404 and _error(answer) == "CaseNotFound"
        return status == 404 and not any(text in answer.text for text in NO_PAGE_TEXTS)
    if probe.is_api:  # AUTH
        return status == 401 and _error(answer) == "LoginRequired"
    return status == 303 and to_sign_in


def _recorded(call: Call, probe: Probe) -> str | None:
    """For a command that was allowed: what shows it was recorded, if it is missing."""
    answer = call.answer
    if probe.is_api:
        recorded = answer.json().get("version")
        if not isinstance(recorded, int) or call.version is None or recorded <= call.version:
            return f"no new version: {answer.text}"
        return None
    case_page = call.path.rsplit("/", 1)[0]
    if answer.headers["location"] != case_page:
        return f"redirected to {answer.headers['location']}, not to {case_page}"
    return None


def _check(site: Site, probe: Probe, user: User) -> None:
    assert probe.rule is not None, (
        f"no rule for {probe.label}: add its line to TABLE (for a form, to its API command)"
    )
    if probe.command is not None:
        assert probe.command in SCENARIOS, f"no scenario for the command {probe.command}"
    expected: Outcome = getattr(probe.rule, user.name)
    call = _call(site, probe, user)
    answer = call.answer
    assert _meets(call, expected, probe), (
        f"{probe.method} {call.path} as {user.name} ({user.username}): expected {expected.name} "
        f"({expected.value}), got {answer.status_code} {answer.headers.get('location', '')}"
        f"\n{answer.text[:500]}"
    )
    if probe.command is not None and expected in (OK, MOVE):
        assert _recorded(call, probe) is None, _recorded(call, probe)
    elif probe.command is not None:
        assert _version_now(site, probe, call) == call.version, "a refused command changed the case"


def _version_now(site: Site, probe: Probe, call: Call) -> int:
    """The case's version as the approver (who sees every community) reads it now."""
    case_id = call.path.split("/")[-2]
    answer = site.clients["approver"].get(f"/api/cases/{probe.kind}/{case_id}")
    assert answer.status_code == 200, answer.text
    version: int = answer.json()["case"]["version"]
    return version


# -- the tests -------------------------------------------------------------------------------


def test_the_table_has_a_rule_for_every_route_and_only_for_routes() -> None:
    routes, ruled = set(ROUTES), set(TABLE)
    missing = sorted(routes - ruled)
    extra = sorted(ruled - routes)
    assert missing == [], f"routes without a rule in TABLE (add a line for each): {missing}"
    assert extra == [], f"rules in TABLE for routes the app no longer has: {extra}"


def test_every_path_parameter_and_command_has_values() -> None:
    names = {name for _, template in ROUTES for name in re.findall(PARAMETER, template)}
    assert names <= {*VALUES, "case_id", "command"}, f"no values for {names - {*VALUES}}"
    commands = {(kind, command) for kind in FORMS for command in FORMS[kind]}
    assert set(SCENARIOS) == commands, (
        f"commands without a scenario: {sorted(commands - set(SCENARIOS))}; "
        f"scenarios of no command: {sorted(set(SCENARIOS) - commands)}"
    )


def test_the_users_are_who_the_table_takes_them_for() -> None:
    accounts = {username: (community, roles) for username, community, roles in (*STAFF, *EXTRA)}
    for user in USERS:
        if user.username is None or user.username == "admin":
            continue
        community, roles = accounts[user.username]
        assert community == user.community, user
        assert roles == (ROLES[user.name.removeprefix("other_")],), user
    assert {user.name for user in USERS} == set(Rule._fields)


@pytest.mark.parametrize(("probe", "user"), _params(CELLS))
def test_sqlite(sqlite_site: Site, probe: Probe, user: User) -> None:
    _check(sqlite_site, probe, user)


@pytest.mark.postgres
@pytest.mark.parametrize(("probe", "user"), _params(POSTGRES_CELLS))
def test_postgres(postgres_site: Site, probe: Probe, user: User) -> None:
    _check(postgres_site, probe, user)
