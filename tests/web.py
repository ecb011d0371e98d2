"""A served app over real HTTP, and users signed in to it, for the web tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.live import live_server
from tests.story import PASSWORD
from tracker.clock import Clock
from tracker.settings import Settings
from web.app import create_app

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@contextmanager
def served(store: Settings, clock: Clock) -> Iterator[str]:
    """The web app on ``store`` with ``clock``, served by uvicorn on a free port."""
    with live_server(create_app(store, clock)) as base:
        yield base


def csrf_of(page: str) -> str:
    found = _TOKEN.search(page)
    assert found is not None, "the page has no CSRF field"
    return found.group(1)


@contextmanager
def signed_in(base: str, username: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
    """A client with a session of ``username``, its CSRF header set as htmx would send it."""
    with httpx.Client(base_url=base) as client:
        token = csrf_of(client.get("/login").text)
        answer = client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )
        assert answer.status_code == 303, answer.text
        client.headers["X-CSRF-Token"] = csrf_of(client.get("/").text)
        yield client


@contextmanager
def api_session(base: str, username: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
    """A client of the JSON API, signed in as ``username``, its CSRF header set."""
    with httpx.Client(base_url=f"{base}/api") as client:
        session = client.post("/session", json={"username": username, "password": password})
        assert session.status_code == 200, session.text
        client.headers["X-CSRF-Token"] = session.json()["csrf_token"]
        yield client
