"""The one rule for typed text (``tracker.text``): what it keeps, and what it refuses."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.errors import MissingValue, TrackerError
from tracker.person import Person
from tracker.text import (
    BrokenText,
    ControlCharacter,
    TextTooLong,
    clean,
    clean_fields,
    rule_of,
)


@pytest.mark.parametrize(
    "value",
    ["王\x00秀英", "\x00", "王\x07", "a\x1bb", "\x7f", "\x85x", "王\u202e英"],
)
def test_control_characters_are_refused(value: str) -> None:
    with pytest.raises(ControlCharacter) as refused:
        clean("summary", value)
    assert refused.value.params == {"field": "summary"}


def test_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(BrokenText):
        clean("name", "王\ud800")


def test_line_breaks_stay_in_paragraphs_and_fold_in_lines() -> None:
    assert clean("summary", " 第一段\r\n第二段  \r第三段\n") == "第一段\n第二段\n第三段"
    assert clean("category", "计生\n政策\t奖励") == "计生 政策 奖励"


def test_text_is_kept_in_nfc() -> None:
    decomposed = "Zoe\u0301"
    assert clean("name", decomposed) == "Zo\u00e9"


def test_each_field_has_one_limit() -> None:
    assert clean("name", "王" * 40) == "王" * 40
    with pytest.raises(TextTooLong) as refused:
        clean("name", "王" * 41)
    assert refused.value.params == {"field": "name", "limit": 40}
    assert rule_of("summary").max_length == 2000
    assert rule_of("an unlisted field").max_length == 200


def test_text_that_shows_nothing_is_empty() -> None:
    assert clean("reason", " \u3000\u200b ") == ""
    with pytest.raises(MissingValue):
        clean("reason", "\u200b\u200b", required=True)
    with pytest.raises(MissingValue):
        Person("\u3000\u200b")


def test_fields_in_lists_and_maps_are_cleaned_by_their_names() -> None:
    cleaned = clean_fields({"changes": {"summary": "甲\r\n乙", "category": " 丙 "}, "n": 3})
    assert cleaned == {"changes": {"summary": "甲\n乙", "category": "丙"}, "n": 3}
    with pytest.raises(ControlCharacter):
        clean_fields({"changes": {"category": "\x00"}})


@given(st.text(max_size=300), st.sampled_from(["name", "summary", "category", "reason"]))
def test_whatever_is_typed_is_refused_by_name_or_kept_clean(value: str, field: str) -> None:
    try:
        kept = clean(field, value)
    except TrackerError as refusal:
        refused = refusal.params["field"]
    else:
        refused = None
    if refused is not None:
        assert refused == field
        return
    assert unicodedata.is_normalized("NFC", kept)
    kept.encode("utf-8")  # no lone surrogate: this would raise
    assert len(kept) <= rule_of(field).max_length
    breaks = {"\n"} if rule_of(field).multiline else set()
    assert not any(unicodedata.category(c) == "Cc" and c not in breaks for c in kept)
    assert clean(field, kept) == kept  # keeping it again changes nothing
