"""The base of every read model: its tables, and what one event does to them.

A projection never loads from the store itself: the runner hands it each
event with the case as it stands after that event, rebuilt from the events
alone.  Its tables carry a generation suffix so that a rebuild can fill new
tables beside the ones being served and switch over in one transaction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from tracker.aggregates.base import TrackedAggregate
    from tracker.policy import Policy
    from tracker.projections.database import Cursor


class Projection(ABC):
    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    @abstractmethod
    def create(self, cursor: Cursor, suffix: str) -> None:
        """Create this generation's tables and indexes (if they do not exist)."""

    @abstractmethod
    def process(self, cursor: Cursor, suffix: str, event: Any, case: TrackedAggregate) -> None:
        """Apply one event; ``case`` is its aggregate after the event."""
