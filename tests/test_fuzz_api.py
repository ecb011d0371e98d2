"""Schemathesis over the JSON API, from its own OpenAPI schema, against the served app (issue 10).

Every operation of ``/openapi.json`` gets generated requests, valid and invalid, sent
over HTTP to uvicorn with a signed-in session (an officer's or the approver's).  Path
parameters often name a real case of the seeded store (and a command's
``expected_version`` often the case's version), so commands reach the domain and some
succeed.  What must hold for every answer:

- never a 5xx (schemathesis's ``not_a_server_error``);
- every 4xx is JSON with a readable ``message`` (Chinese, the default language) and the
  request validation's ``detail`` list on a 422 of that kind; nothing of Python's in it;
- a refusal leaves the store unchanged: its last notification id moves only on a 2xx
  (sign-ins excepted: every attempt is recorded, for the lockout and the auditors).

Bounded for ``make test``: a few examples per operation and store;
``TRACKER_FUZZ_EXAMPLES=2000`` asks for that many per operation instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from tests.hostile import TODAY, hostile
from tests.live import live_server
from tests.stores import STORES, store_settings
from tests.story import COUPLE, PASSWORD, apply_for_second_birth, assess_fee, hire, register
from tracker.application import Tracker
from tracker.clock import FixedClock
from web.app import create_app

EXAMPLES = int(os.environ.get("TRACKER_FUZZ_EXAMPLES", "0")) or 10
USERS = ("li", "wang")  # an officer of xinmin and the approver: most commands are one's or other's
SIGN_IN_PATHS = ("/api/session", "/api/session/end")  # recorded whatever the outcome
KIND_IN_PATH = re.compile(r"^/api/cases/(petition|approval|fee)/")
CJK = re.compile(r"[\u4e00-\u9fff]")
PYTHON_TALK = re.compile(r"Traceback|\b[A-Z]\w*(Error|Exception)\b|object at 0x|File \"")

schema = schemathesis.openapi.from_dict(create_app().openapi())


@dataclass
class Site:
    base: str
    tracker: Tracker  # the served app's own: its store's head, read between requests
    cases: dict[str, list[UUID]]  # by kind: cases of li's community first, then another's
    sessions: dict[str, requests.Session]

    def head(self) -> int:
        return self.tracker.recorder.max_notification_id() or 0

    def version(self, case_id: UUID) -> int:
        """The case's version now: that of its last event."""
        last = self.tracker.recorder.select_events(case_id, desc=True, limit=1)
        return last[0].originator_version


def _session(base: str, username: str) -> requests.Session:
    session = requests.Session()
    answer = session.post(f"{base}/api/session", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    session.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return session


@pytest.fixture(scope="module", params=STORES)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    clock = FixedClock.on(date(2021, 6, 1))
    with store_settings(request.param, Path(tmp_path_factory.mktemp("store"))) as store:
        # Fuzzed sign-ins fail by the hundred, some as li or wang: keep the fuzzer unlocked.
        unlocked = {"sign_in_failures": 100_000, "sign_in_address_failures": 100_000}
        store = store.model_copy(update=unlocked)
        seeded = Tracker(store, clock=clock)
        hire(seeded)
        fee = assess_fee(seeded, "li")
        other_fee = assess_fee(seeded, "zhao", number="鼓东征字〔2021〕8号")
        clock.set(FixedClock.on(date(2026, 3, 2)).now())
        cases = {
            "petition": [
                register(seeded, "li", date(2026, 2, 20)),
                register(seeded, "zhao", date(2026, 2, 20)),
            ],
            "approval": [
                apply_for_second_birth(seeded, "li"),
                apply_for_second_birth(seeded, "zhao"),
            ],
            "fee": [fee, other_fee],
        }
        seeded.close()
        app = create_app(store, clock)
        with live_server(app) as base:
            sessions = {user: _session(base, user) for user in USERS}
            yield Site(base, app.state.tracker, cases, sessions)
            for session in sessions.values():
                session.close()


# What opens a case of each kind, for ``POST /api/cases/{kind}`` to get through sometimes.
OPENINGS: dict[str, dict[str, Any]] = {
    "petition": {
        "people": [{"name": "王秀英"}],
        "fields": {
            "channel": "visit",
            "received_on": TODAY,
            "headcount": 1,
            "community": "xinmin",
            "category": "奖励扶助",
            "summary": "独生子女父母奖励未兑现",
            "lodged_level": "SUB_DISTRICT",
            "competent_level": "SUB_DISTRICT",
        },
    },
    "approval": {
        "people": [{"name": p.name, "id_number": str(p.id_number)} for p in COUPLE],
        "fields": {
            "community": "xinmin",
            "existing_children": 1,
            "policy_ground": "universal-two",
            "applied_on": TODAY,
        },
    },
    "fee": {
        "people": [{"name": "陈建国"}],
        "fields": {
            "decision_number": "鼓东征字〔2021〕9号",
            "community": "xinmin",
            "amount": "12000",
            "decided_on": "2021-05-20",
            "served_on": "2021-05-25",
        },
    },
}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _aim(case: schemathesis.Case[Any], site: Site, data: st.DataObject) -> None:
    """Steer a generated request to where the rules are: real cases, versions, days, openings.

    Often the path names a real case (of the user's community or another), the body
    carries the case's version, its days are today, an opening is a valid one; and
    often one field of the body is a hostile value.
    """
    named = KIND_IN_PATH.search(case.operation.path)
    kind = named.group(1) if named else (case.path_parameters or {}).get("kind")
    body: dict[str, Any] | None = case.body if isinstance(case.body, dict) else None
    if kind in site.cases and "case_id" in case.path_parameters and data.draw(st.booleans()):
        case_id = data.draw(st.sampled_from(site.cases[kind]), label="case")
        case.path_parameters["case_id"] = str(case_id)
        if body is not None and data.draw(st.booleans()):
            body["expected_version"] = site.version(case_id)
    if body is None:
        return
    if case.operation.path == "/api/cases/{kind}" and kind in OPENINGS and data.draw(st.booleans()):
        opening = OPENINGS[str(kind)]
        generated = body.get("fields")
        fields = {**(generated if isinstance(generated, dict) else {}), **opening["fields"]}
        body["people"], body["fields"] = opening["people"], fields
        body = fields  # today's dates and a hostile value go among the opening's fields
    if "original_id" in body and data.draw(st.booleans()):
        body["original_id"] = str(data.draw(st.sampled_from(site.cases["petition"])))
    if data.draw(st.booleans()):
        for name, value in body.items():
            if isinstance(value, str) and DAY.match(value):
                body[name] = TODAY
    if len(body) > 0 and data.draw(st.booleans()):
        name = data.draw(st.sampled_from(sorted(body)), label="hostile field")
        body[name] = data.draw(hostile(), label="hostile value")


def _readable(answer: schemathesis.Response) -> None:
    """A 4xx of the API: JSON, with a message a person can read (and nothing of Python's)."""
    content_type = answer.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/json"), answer.text
    body = answer.json()
    assert isinstance(body, dict), body
    message = body.get("message")
    assert isinstance(message, str), body
    assert message.strip(), body
    assert CJK.search(message), f"not in the user's language: {message!r}"
    assert not PYTHON_TALK.search(message), message
    assert isinstance(body.get("error"), str), body
    if body["error"] == "RequestValidationError":
        assert answer.status_code == 422
        assert isinstance(body.get("detail"), list), body
        assert all(isinstance(item, dict) and "msg" in item for item in body["detail"]), body


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@schema.given(data=st.data())
@schema.parametrize()
def test_the_api_answers_every_request_readably_and_refusals_record_nothing(
    case: schemathesis.Case[Any], data: st.DataObject, site: Site
) -> None:
    _aim(case, site, data)
    user = data.draw(st.sampled_from(USERS), label="user")
    path = case.operation.path
    ending = path == "/api/session/end"  # a session of its own to end, not the fuzzer's
    session = _session(site.base, user) if ending else site.sessions[user]
    before = site.head()
    try:
        answer = case.call(base_url=site.base, session=session)
    finally:
        if ending:
            session.close()
    case.validate_response(answer, checks=[not_a_server_error])
    moved = site.head() != before
    if 400 <= answer.status_code < 500:
        _readable(answer)
    may_record = path in SIGN_IN_PATHS or (case.method == "POST" and answer.status_code < 300)
    assert may_record or not moved, (
        f"{case.method} {path} answered {answer.status_code}, yet the store moved"
    )
