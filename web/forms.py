"""Small forms for commands: what each asks for, and the typed values it hands to a service.

A form only turns text into values of the right type (a date, a whole number,
one of the choices, an amount of money); the rules about those values are
the domain's, and its refusals come back as ``TrackerError`` with the field
they concern, so they can be shown beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any, Literal
from uuid import UUID

from pydantic import TypeAdapter, ValidationError

from tracker.aggregates.fee_collection import Instalment
from tracker.errors import TrackerError
from tracker.money import Money
from tracker.text import rule_of
from web.labels import N_

Kind = Literal["date", "text", "textarea", "int", "choice", "money", "schedule", "case"]

_DATE = TypeAdapter(date)
_INT = TypeAdapter(int)

# Messages of the conversions (ids for the catalogue).
NEED_DATE = N_("Enter a date.")
NEED_NUMBER = N_("Enter a whole number.")
NEED_CHOICE = N_("Choose one of the options.")
NEED_VALUE = N_("This field is required.")
TOO_LONG = N_("This is too long.")
NEED_MONEY = N_("Enter an amount in yuan, such as 1200.50.")
NEED_SCHEDULE = N_("One instalment per line: its due date and amount, such as 2021-07-01 3000.")

NEED_CASE = N_("Enter the number of a case, as its page shows it.")

# Typed values (dates, numbers, amounts) are short; a schedule has a line per instalment.
MAX_VALUE = 200
MAX_SCHEDULE = 2000


@dataclass(frozen=True)
class Input:
    """One field of a form; ``label`` and choice labels are message ids."""

    name: str
    label: str
    kind: Kind = "text"
    choices: tuple[tuple[str, str], ...] = ()
    enum: type[Enum] | None = None
    required: bool = True
    today: bool = False  # a date field that starts at today's date

    @property
    def is_text(self) -> bool:
        return self.kind in ("text", "textarea")

    @property
    def max_length(self) -> int:
        """What the field may hold: for text, the one rule of ``tracker.text``."""
        if self.is_text:
            return rule_of(self.name).max_length
        return MAX_SCHEDULE if self.kind == "schedule" else MAX_VALUE

    def convert(self, raw: str) -> Any:
        """The typed value, or ``FormError`` with a message id.

        Text is passed on as typed: the domain keeps it by ``tracker.text``'s
        rule (and refuses it beside this field), the same for every way in.
        """
        if self.is_text:
            return raw.strip()
        text = raw.strip()
        if not text:
            if self.required:
                raise FormError(NEED_VALUE)
            return None
        if len(text) > self.max_length:
            raise FormError(TOO_LONG)
        try:
            if self.kind == "date":
                return _DATE.validate_python(text)
            if self.kind == "int":
                return _INT.validate_strings(text)
        except ValidationError:
            raise FormError(NEED_DATE if self.kind == "date" else NEED_NUMBER) from None
        if self.kind == "choice":
            if text not in {value for value, _ in self.choices}:
                raise FormError(NEED_CHOICE)
            if self.enum is not None:
                return self.enum(text)
            return {"true": True, "false": False}.get(text, text)
        if self.kind == "money":
            try:
                return Money.parse(text)
            except TrackerError:
                raise FormError(NEED_MONEY) from None
        if self.kind == "schedule":
            return _schedule(text)
        if self.kind == "case":
            try:
                return UUID(text)
            except ValueError:
                raise FormError(NEED_CASE) from None
        return text


def _schedule(text: str) -> tuple[Instalment, ...]:
    """Lines of "due date, amount" (space or comma between) as instalments."""
    instalments = []
    for line in text.splitlines():
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise FormError(NEED_SCHEDULE)
        try:
            instalments.append(Instalment(_DATE.validate_python(parts[0]), Money.parse(parts[1])))
        except (ValidationError, TrackerError):
            raise FormError(NEED_SCHEDULE) from None
    return tuple(instalments)


def parse_inputs(
    inputs: tuple[Input, ...], data: Mapping[str, object]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Each input's typed value by name, and the errors by name (message ids)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for item in inputs:
        try:
            values[item.name] = item.convert(str(data.get(item.name, "")))
        except FormError as error:
            errors[item.name] = error.message
    return values, errors


class FormError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CommandForm:
    """A command as a form: its inputs, fixed values, and how to call the service."""

    command: str
    title: str
    inputs: tuple[Input, ...]
    fixed: Mapping[str, Any] = field(default_factory=dict)
    call: Callable[..., Any] | None = None  # (service, who, case_id, **values); default: method

    def parse(self, data: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
        """The values by name, and the errors by field name (message ids)."""
        values, errors = parse_inputs(self.inputs, data)
        return {**self.fixed, **values}, errors

    def run(
        self, service: Any, who: Any, case_id: Any, values: dict[str, Any], version: int
    ) -> Any:
        if self.call is not None:
            return self.call(service, who, case_id, expected_version=version, **values)
        method = getattr(service, self.command)
        return method(who, case_id, expected_version=version, **values)


def field_of(error: TrackerError, form: CommandForm) -> str | None:
    """The form field a refusal concerns, if it names one of them."""
    named = error.params.get("field")
    names = {item.name for item in form.inputs}
    return named if named in names else None
