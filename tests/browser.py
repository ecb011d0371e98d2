"""Debian's Chromium driven by Playwright, against the app served by uvicorn.

``playwright install`` cannot download browsers here, so the system's
Chromium is launched by path (``make test`` installs it).  Screenshots of the
pages a journey passes through go to ``artifacts/screenshots/`` for a person to
look at; they are not committed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.story import PASSWORD

CHROMIUM = Path(os.environ.get("TRACKER_CHROMIUM", "/usr/lib/chromium/chromium"))
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).parent.parent / "artifacts" / "screenshots"


@contextmanager
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}: `make test` installs it")
        pytest.skip(f"Chromium is missing at {CHROMIUM} (`make test` installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(username)


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name)}.png"), full_page=True
    )
