"""Hypothesis over the HTML forms, posted over HTTP to the served app by an officer (issue 10).

The new-case forms (``/petitions/new``, ``/approvals/new``, ``/fees/new``) and the
command forms of a case (accept, not_accept, reply, correct, … of a petition;
record_payment, approve_instalments, correct, … of a fee; review_eligibility, … of
an approval) get posts in which most fields are valid and a few are hostile
(``tests/hostile.py``: empty, 100,000 characters, NUL and other control characters,
lone surrogates sent as their bytes, mixed scripts, direction overrides, days off the
calendar, impossible amounts, malformed ID numbers, versions that only look like
numbers), as plain form posts (the token in a hidden field) or as htmx posts.  What
must hold:

- never a 5xx; the status fits: 303 (or htmx's 204) when recorded, 422 for a refused
  value, 409 for a stale version, 404 for another community's case, 403 for a role's;
- a refusal says why in the user's language (Chinese by default), beside the field
  (``class="field-error"``) or above the form (``role="alert"``), and nothing of Python's;
- a refused post leaves the store unchanged, a recorded one moves it.

Bounded for ``make test``; ``TRACKER_FUZZ_EXAMPLES=2000`` asks for that many per test.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile import TODAY, form_body, hostile
from tests.live import live_server
from tests.stores import STORES, store_settings
from tests.story import apply_for_second_birth, assess_fee, hire, register
from tests.web import csrf_of, signed_in
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.resident_id import make_resident_id
from web.app import create_app
from web.case_forms import FORMS
from web.forms import Input
from web.pages.new_case import form_for

EXAMPLES = int(os.environ.get("TRACKER_FUZZ_EXAMPLES", "0")) or 40
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FORM = {"content-type": "application/x-www-form-urlencoded"}
RECORDED = (303, 204)
CJK = re.compile(r"[\u4e00-\u9fff]")
PYTHON_TALK = re.compile(r"Traceback|\b[A-Z]\w*(Error|Exception)\b|object at 0x|File \"")
REFUSALS = re.compile(
    r'<p class="(?:field-error|error)"[^>]*>(.*?)</p>'
    r'|<span class="field-error">(.*?)</span>'
    r'|<section class="error" role="alert">\s*<h1>\d+</h1>\s*<p>(.*?)</p>',
    re.S,
)
# The commands an officer gives most, by the path of the kind of case.
COMMANDS = {
    "petitions": (
        "accept",
        "not_accept",
        "forward",
        "reply",
        "correct",
        "add_note",
        "merge_into",
        "stop_clock",
    ),
    "approvals": ("review_eligibility", "post", "lodge_objection", "withdraw", "correct"),
    "fees": ("record_payment", "approve_instalments", "file_challenge", "correct", "cease"),
}
KINDS = {"petitions": "petition", "approvals": "approval", "fees": "fee"}
PEOPLE = (  # a man and a woman (spouses), and a third person (a petitioner)
    ("陈明", str(make_resident_id("350102", date(1985, 4, 12), 131))),
    ("林芳", str(make_resident_id("350102", date(1987, 9, 3), 242))),
    ("王秀英", str(make_resident_id("350102", date(1960, 1, 8), 362))),
)


@dataclass
class Site:
    base: str
    tracker: Tracker  # the served app's own: its store's head, read between posts
    client: httpx.Client  # li, an officer of xinmin
    token: str
    cases: dict[str, list[UUID]]  # by path: li's cases, then one of another community

    def head(self) -> int:
        return self.tracker.recorder.max_notification_id() or 0

    def version(self, case_id: UUID) -> int:
        last = self.tracker.recorder.select_events(case_id, desc=True, limit=1)
        return last[0].originator_version if last else 1


@pytest.fixture(scope="module", params=STORES)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    clock = FixedClock.on(date(2021, 6, 1))
    with store_settings(request.param, Path(tmp_path_factory.mktemp("store"))) as store:
        seeded = Tracker(store, clock=clock)
        hire(seeded)
        fees = [assess_fee(seeded, "li"), assess_fee(seeded, "zhao", "鼓东征字〔2021〕8号")]
        clock.set(FixedClock.on(date(2026, 3, 2)).now())
        petitions = [register(seeded, "li", date(2026, 2, 20)) for _ in range(3)]
        approvals = [apply_for_second_birth(seeded, "li"), apply_for_second_birth(seeded, "zhao")]
        other = register(seeded, "zhao", date(2026, 2, 20))
        seeded.close()
        app = create_app(store, clock)
        with live_server(app) as base, signed_in(base, "li") as client:
            cases = {"petitions": [*petitions, other], "approvals": approvals, "fees": fees}
            token = csrf_of(client.get("/").text)
            yield Site(base, app.state.tracker, client, token, cases)


def _valid(item: Input, site: Site) -> str:
    """A value the form takes for this input (the domain may still refuse it in context)."""
    if item.kind == "date":
        return TODAY
    if item.kind == "int":
        return "1"
    if item.kind == "choice":
        return item.choices[0][0]
    if item.kind == "money":
        return "100"
    if item.kind == "schedule":
        return "2026-04-01 100\n2026-05-01 100"
    if item.kind == "case":
        return str(site.cases["petitions"][1])
    if not item.required:
        return ""
    return (
        "王秀英" if item.name in ("objector", "received_by", "delivering_officer") else "已电话联系"
    )


@st.composite
def _fields(draw: st.DrawFn, valid: dict[str, str]) -> dict[str, str]:
    """The valid fields, a few of them hostile (or left out)."""
    names = sorted(valid)
    spoiled = draw(st.sets(st.sampled_from(names), max_size=3), label="hostile fields")
    fields = {
        name: draw(hostile(), label=name) if name in spoiled else value
        for name, value in valid.items()
    }
    if draw(st.integers(0, 9), label="leave one out") == 0:
        fields.pop(draw(st.sampled_from(names), label="left out"))
    return fields


def _post(site: Site, url: str, fields: dict[str, str], htmx: bool) -> httpx.Response:
    """A plain form post (token in the hidden field) or an htmx one (token in the header)."""
    if htmx:
        headers = {**FORM, "HX-Request": "true"}
    else:
        fields = {"csrf_token": site.token, **fields}
        headers = {**FORM, "X-CSRF-Token": ""}
    return site.client.post(url, content=form_body(fields), headers=headers, timeout=60)


def _refusals(page: str) -> list[str]:
    return [
        html.unescape(next(group for group in found if group)) for found in REFUSALS.findall(page)
    ]


def _check(site: Site, answer: httpx.Response, before: int, allowed: set[int]) -> None:
    assert answer.status_code < 500, answer.text[:2000]
    assert answer.status_code in allowed, (answer.status_code, answer.text[:2000])
    moved = site.head() != before
    if answer.status_code in RECORDED:
        assert moved, f"answered {answer.status_code}, yet nothing was recorded"
        return
    assert not moved, f"refused with {answer.status_code}, yet the store moved"
    assert answer.headers["content-type"].startswith("text/html"), answer.headers
    refusals = _refusals(answer.text)
    assert refusals, f"{answer.status_code} without a message: {answer.text[:2000]}"
    for message in refusals:
        assert CJK.search(message), f"not in the user's language: {message!r}"
        assert not PYTHON_TALK.search(message), message
    assert not PYTHON_TALK.search(answer.text), answer.text[:2000]


@pytest.mark.parametrize("kinds", sorted(KINDS))
def test_a_new_case_form_refuses_hostile_input_readably_and_records_nothing(
    site: Site, kinds: str
) -> None:
    who = site.tracker.accounts.principal("li")
    form = form_for(site.tracker, who, KINDS[kinds])
    valid = {item.name: _valid(item, site) for item in form.inputs}
    for row, (name, number) in enumerate(PEOPLE[: form.rows], start=1):
        valid.update({f"name_{row}": name, f"id_{row}": number})
    if kinds == "petitions":
        valid["headcount"] = str(form.rows)
    if kinds == "fees":
        valid.update(decided_on="2021-05-20", served_on="2021-05-25")

    @FUZZ
    @given(fields=_fields(valid), htmx=st.booleans())
    def post(fields: dict[str, str], htmx: bool) -> None:
        before = site.head()
        answer = _post(site, f"/{kinds}/new", fields, htmx)
        _check(site, answer, before, {*RECORDED, 422})

    post()


@pytest.mark.parametrize("kinds", sorted(KINDS))
def test_a_command_form_refuses_hostile_input_readably_and_records_nothing(
    site: Site, kinds: str
) -> None:
    forms = FORMS[KINDS[kinds]]

    @FUZZ
    @given(data=st.data(), htmx=st.booleans())
    def post(data: st.DataObject, htmx: bool) -> None:
        command = data.draw(st.sampled_from(COMMANDS[kinds]), label="command")
        case_id = data.draw(st.sampled_from([*site.cases[kinds], uuid4()]), label="case")
        valid = {item.name: _valid(item, site) for item in forms[command].inputs}
        valid["expected_version"] = str(site.version(case_id))
        fields = data.draw(_fields(valid), label="fields")
        before = site.head()
        answer = _post(site, f"/{kinds}/{case_id}/{command}", fields, htmx)
        _check(site, answer, before, {*RECORDED, 422, 409, 404, 403})

    post()
