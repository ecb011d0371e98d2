"""No route answers 500, whatever it is sent: every route of the app's table, for every role.

The routes come from the app itself, so a new route is covered without being listed
here.  Each is called with well-formed and with malformed path values, query
strings and bodies; any answer but a 5xx is fine (a refusal is the right answer to
most of them).  Run on the embedded store: the point is the web layer's handling.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute
from starlette.routing import Route

from tests.stores import store_settings
from tests.story import hire, register
from tests.web import served, signed_in
from tracker.application import Tracker
from tracker.clock import FixedClock
from web.app import ROUTERS, create_app

PARAMETER = r"{(\w+)(?::\w+)?}"
USERS = ("li", "zhao", "wang", "zhou", "admin")
GARBAGE = ("", "0", "-1", "x" * 300, "2026-02-30", "%00", "' OR 1=1 --", "../../etc", "王秀英")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    clock = FixedClock.on(date(2026, 3, 2))
    with store_settings("sqlite", Path(tmp_path_factory.mktemp("store"))) as store:
        seeded = Tracker(store, clock=clock)
        hire(seeded)
        case_id = str(register(seeded, "li", date(2026, 2, 20)))
        seeded.close()
        # Garbage posted to /login fails every time: keep the walker's own address unlocked.
        walker = store.model_copy(update={"sign_in_address_failures": 1000})
        with served(walker, clock) as base:
            yield base, case_id


def _routes() -> list[tuple[str, str]]:
    """Every (method, path) of the app: its own routes and those of each router it includes."""
    routes = [*create_app().routes, *(route for router in ROUTERS for route in router.routes)]
    found: list[tuple[str, str]] = []
    for route in routes:
        if isinstance(route, (APIRoute, Route)) and route.methods:
            found.extend((method, route.path) for method in sorted(route.methods - {"HEAD"}))
    return found


def _paths(template: str, case_id: str) -> Iterator[str]:
    """The route with sensible values, then with each garbage value in every parameter."""
    sensible = {
        "case_id": case_id,
        "kinds": "petitions",
        "kind": "petition",
        "command": "accept",
        "locale": "en",
    }
    names = re.findall(PARAMETER, template)
    yield _fill(template, sensible)
    for name in names:
        for bad in GARBAGE[1:]:
            yield _fill(template, {**sensible, name: bad})


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(PARAMETER, lambda found: values.get(found.group(1), "x"), template)


ROUTES = _routes()


@pytest.mark.parametrize(("method", "template"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_no_route_answers_a_server_error(site: tuple[str, str], method: str, template: str) -> None:
    base, case_id = site
    if template.startswith("/static"):
        pytest.skip("static files")
    answers: list[tuple[str, int]] = []
    for username in USERS:
        with signed_in(base, username) as client:
            for path in _paths(template, case_id):
                for params in ({}, {"page": "0", "period": "2026-99", "as_of": "nonsense"}):
                    if method == "GET":
                        answer = client.get(path, params=params)
                    else:
                        answer = client.request(
                            method, path, data={"expected_version": "x", "accepted_on": "yesterday"}
                        )
                        json_answer = client.request(method, path, json={"anything": [1, {}]})
                        answers.append((f"{method} {path} json", json_answer.status_code))
                    answers.append((f"{method} {path} {params}", answer.status_code))
    anonymous = httpx.request(method, f"{base}{next(_paths(template, case_id))}")
    answers.append((f"anonymous {method} {template}", anonymous.status_code))
    failures = [(what, status) for what, status in answers if status >= 500]
    assert failures == []
