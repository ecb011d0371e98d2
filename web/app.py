"""The FastAPI application: one Tracker per process, built in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

from tracker.application import Tracker
from tracker.settings import Settings


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = Settings()
    app.state.settings = settings
    app.state.tracker = Tracker(settings)
    try:
        yield
    finally:
        app.state.tracker.close()


app = FastAPI(title="Tracker", lifespan=lifespan)


@app.get("/health")
def health(request: Request) -> dict[str, Any]:
    """Answers only after reading the store, so a broken database shows here."""
    tracker: Tracker = request.app.state.tracker
    settings: Settings = request.app.state.settings
    return {
        "status": "ok",
        "store": "postgresql" if settings.is_postgres else "sqlite",
        "events": tracker.recorder.max_notification_id() or 0,
    }


@app.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/health")
