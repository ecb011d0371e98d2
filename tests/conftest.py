"""Fixtures shared by the unit tests and the feature steps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.stores import STORES, store_settings
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.settings import Settings

pytest_plugins = [
    "tests.steps.common",
    "tests.steps.petition_steps",
    "tests.steps.approval_steps",
    "tests.steps.fee_steps",
    "tests.steps.account_steps",
    "tests.steps.deadline_steps",
    "tests.steps.case_list_steps",
    "tests.steps.fee_report_steps",
    "tests.steps.approval_report_steps",
    "tests.steps.petition_report_steps",
    "tests.steps.audit_trail_steps",
    "tests.steps.web_steps",
    "tests.steps.sign_in_steps",
]


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    with store_settings(request.param, tmp_path) as settings:
        yield settings


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock.on(date(2026, 3, 2))


@pytest.fixture
def app(store: Settings, clock: FixedClock) -> Iterator[Tracker]:
    tracker = Tracker(store, clock=clock)
    yield tracker
    tracker.close()
