"""The API's description is for signed-in users only: ``/openapi.json`` and ``/docs``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from tests.stores import store_settings
from tests.story import PASSWORD, hire
from tests.web import served, signed_in
from tracker.application import Tracker
from tracker.clock import FixedClock
from web.case_forms import FORMS
from web.pages.api_docs import page

COMMANDS = [f"/api/cases/{kind}/{{case_id}}/{command}" for kind in FORMS for command in FORMS[kind]]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    clock = FixedClock.on(date(2026, 3, 2))
    with store_settings("sqlite", Path(tmp_path_factory.mktemp("store"))) as store:
        seeded = Tracker(store, clock=clock)
        hire(seeded)
        seeded.close()
        with served(store, clock) as url:
            yield url


def test_anonymous_gets_no_schema_and_no_docs(base: str) -> None:
    with httpx.Client(base_url=base) as anonymous:
        schema = anonymous.get("/openapi.json")
        docs = anonymous.get("/docs")
        redoc = anonymous.get("/redoc")
        swagger_redirect = anonymous.get("/docs/oauth2-redirect")  # here a case page's address
    assert schema.status_code == 401
    assert schema.json()["error"] == "LoginRequired"
    assert "/api/" not in schema.text
    assert docs.status_code == 303
    assert docs.headers["location"] == "/login?next=%2Fdocs"
    assert redoc.status_code == 404
    assert swagger_redirect.headers["location"] == "/login?next=%2Fdocs%2Foauth2-redirect"


def test_a_signed_in_user_gets_the_schema_with_every_command(base: str) -> None:
    with httpx.Client(base_url=base) as client:
        session = client.post("/api/session", json={"username": "zhou", "password": PASSWORD})
        assert session.status_code == 200, session.text
        schema = client.get("/openapi.json")
        client.post("/api/session/end", headers={"X-CSRF-Token": session.json()["csrf_token"]})
        after = client.get("/openapi.json")
    assert schema.status_code == 200
    assert schema.headers["cache-control"] == "no-store"
    paths = schema.json()["paths"]
    assert [path for path in COMMANDS if path not in paths] == []
    assert "post" in paths["/api/cases/petition/{case_id}/grant_extension"]
    assert "/api/session" in paths
    assert "/openapi.json" not in paths
    assert "/docs" not in paths
    assert after.status_code == 401  # signed out: refused again


def test_the_docs_page_indexes_the_operations_without_script(base: str) -> None:
    with signed_in(base, "li") as li:
        docs = li.get("/docs")
    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in docs.headers["content-security-policy"]
    assert "<script" not in docs.text
    assert 'href="/openapi.json"' in docs.text
    assert "X-CSRF-Token" in docs.text
    for path in COMMANDS:
        assert f"<code>{path}</code>" in docs.text
    assert "<code>PetitionGrantExtensionCommand</code>: expected_version*" in docs.text


def test_the_docs_page_escapes_what_the_schema_says() -> None:
    schema = {
        "openapi": "3.1.0",
        "info": {"title": "<b>T</b>", "version": "1"},
        "paths": {"/x/{a}": {"get": {"summary": "<script>alert(1)</script>", "parameters": []}}},
    }
    html = page(schema)
    assert "<script" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
