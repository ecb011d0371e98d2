"""What the query strings of lists, feeds and reports have in common."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


class QueryFilters(BaseModel):
    """A query string: unknown names are refused, not ignored; an empty value means no filter."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        """A form's "All" option sends an empty value: the same as no filter."""
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value != ""}
        return data
