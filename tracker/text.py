"""Text as people type it, made fit to keep: one rule per field, for every way in.

Forms, the JSON API, the command line and imports all end in an aggregate's
event, so the rule is applied there (``TrackedAggregate``) and nothing can
reach the store around it.  What it refuses would break or mislead later
readers: a NUL cannot be stored in PostgreSQL text at all, a lone surrogate
cannot be encoded for any page or file, and other control characters (or
direction overrides) make a record read differently from what was typed.
Text is kept in Unicode NFC, so the same name typed on two machines is the
same name for searches and comparisons.  The limits are here, once; the
forms and the API read them from here to refuse early, beside the field.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker.errors import DomainError, MissingValue


class TextTooLong(DomainError):
    template = "{field} is too long: at most {limit} characters"


class ControlCharacter(DomainError):
    template = "{field} contains a control character, which cannot be kept; retype it"


class BrokenText(DomainError):
    template = "{field} contains a broken character; retype it"


@dataclass(frozen=True)
class TextRule:
    max_length: int
    multiline: bool = False


LINE = TextRule(200)
PARAGRAPHS = TextRule(2000, multiline=True)
NAME = TextRule(40)
NUMBER = TextRule(60)
CODE = TextRule(40)

# The limit and kind of each text field, by the name it has in commands and events.
RULES: Mapping[str, TextRule] = {
    # people
    "name": NAME,
    "objector": NAME,
    "received_by": NAME,
    "delivering_officer": NAME,
    "display_name": NAME,
    # accounts and sign-ins
    "username": TextRule(64),
    "assignee": TextRule(64),
    "actor": TextRule(64),
    "address": TextRule(64),
    "password_hash": TextRule(512),
    # codes chosen from the policy
    "community": CODE,
    "policy_ground": CODE,
    # numbers written on paper
    "decision_number": NUMBER,
    "receipt_number": NUMBER,
    "certificate_number": NUMBER,
    "number": NUMBER,
    # short lines
    "category": TextRule(50),
    "organ": TextRule(100),
    "court": TextRule(100),
    "place": TextRule(100),
    # what people write at length
    "summary": PARAGRAPHS,
    "text": PARAGRAPHS,
    "reason": PARAGRAPHS,
    "note": PARAGRAPHS,
    "content": PARAGRAPHS,
    "resolution": PARAGRAPHS,
    "grounds": PARAGRAPHS,
}


def rule_of(field: str) -> TextRule:
    """The rule of a field; a field not listed is one short line."""
    return RULES.get(field, LINE)


# Characters that change how the text around them reads without being seen.
_INVISIBLE_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_LINE_BREAKS = frozenset("\n\r")
# Whitespace and format characters: a value of only these is empty.
_UNSEEN = frozenset(" \t\n\r\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff")


def clean(field: str, value: str, *, required: bool = False) -> str:
    """The value as it will be kept, or a refusal naming ``field``.

    Single-line fields have their runs of whitespace made one space; in
    multi-line fields line breaks are kept (as ``\\n``) and nothing else
    changes but the ends.
    """
    rule = rule_of(field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BrokenText(field=field) from None
    text = unicodedata.normalize("NFC", value)
    for character in text:
        if character in _LINE_BREAKS:
            continue
        if character == "\t" or (
            character not in _INVISIBLE_CONTROLS and unicodedata.category(character) != "Cc"
        ):
            continue
        raise ControlCharacter(field=field)
    if rule.multiline:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        text = "\n".join(line.rstrip() for line in lines).strip()
    else:
        text = " ".join(text.split())
    if all(character in _UNSEEN for character in text):
        if required:
            raise MissingValue(field=field)
        text = ""
    if len(text) > rule.max_length:
        raise TextTooLong(field=field, limit=rule.max_length)
    return text


def clean_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Every text in an event's fields cleaned by its field's rule (in lists and maps too)."""
    return {name: _clean_value(name, value) for name, value in fields.items()}


def _clean_value(field: str, value: Any) -> Any:
    if isinstance(value, str):
        return clean(field, value)
    if isinstance(value, dict):
        return {key: _clean_value(str(key), item) for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple(_clean_value(field, item) for item in value)
    if isinstance(value, list):
        return [_clean_value(field, item) for item in value]
    return value
