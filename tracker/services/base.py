"""What every service shares: the application it works on."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.application import Tracker


class Service:
    def __init__(self, app: Tracker) -> None:
        self.app = app
