"""Values as people read them, in JSON: the form of the audit trail and of the JSON API.

Dates and moments as ISO text (moments in UTC), enums by their value, money
as yuan text, ID numbers masked; dataclasses, mappings and sequences
recursively; sets sorted, so the same value always renders the same.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from tracker.money import Money
from tracker.resident_id import ResidentId


def render(value: Any) -> Any:
    """A JSON value for display: dates, enums and money as text; ID numbers masked."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value if isinstance(value.value, str) else value.name.lower()
    if isinstance(value, Money):
        return str(value)
    if isinstance(value, ResidentId):
        return value.masked
    if isinstance(value, UUID):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: render(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(key): render(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((render(item) for item in value), key=_json)
    if isinstance(value, (tuple, list)):
        return [render(item) for item in value]
    return str(value)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
