"""GB 11643-1999 numbers; check characters below are worked out by hand.

Weights: 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; check = "10X98765432"[S mod 11].
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.resident_id import (
    IdProblem,
    InvalidResidentId,
    ResidentId,
    check_character,
    make_resident_id,
)

# 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2
# 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 -> "X".
# (The example number of GB 11643 itself; born 1949-12-31, sequence 002 -> female.)
BEIJING_F = "11010519491231002X"

# 4 4 0 5 2 4 1 8 8 0 0 1 0 1 0 0 1
# 28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195; 195 mod 11 = 8 -> "4".
# (GB 11643's second example; born 1880-01-01, sequence 001 -> male.)
GUANGDONG_M = "440524188001010014"

# 3 5 0 1 0 2 1 9 8 5 0 3 0 4 1 2 3  (鼓楼区, Fuzhou)
# 21+45+0+5+0+8+2+9+48+15+0+27+0+20+8+8+6 = 222; 222 mod 11 = 2 -> "X".
GULOU_M = "35010219850304123X"


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


def problem(value: str, today: date | None = None) -> IdProblem:
    with pytest.raises(InvalidResidentId) as raised:
        ResidentId.parse(value, today)
    return IdProblem(raised.value.reason)


def test_check_character_by_hand() -> None:
    assert check_character(BEIJING_F[:17]) == "X"
    assert check_character(GUANGDONG_M[:17]) == "4"
    assert check_character(GULOU_M[:17]) == "X"


@pytest.mark.parametrize("bad", ["", "1234567890123456", "123456789012345678", "1234a678901234567"])
def test_check_character_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError, match="17"):
        check_character(bad)


def test_valid_numbers_and_their_fields() -> None:
    beijing = ResidentId(BEIJING_F)
    assert beijing.birth_date == date(1949, 12, 31)
    assert beijing.sex == "F"
    assert beijing.region == "110105"
    gulou = ResidentId(GULOU_M)
    assert gulou.birth_date == date(1985, 3, 4)
    assert gulou.sex == "M"
    assert ResidentId(GUANGDONG_M).birth_date == date(1880, 1, 1)
    assert ResidentId(GUANGDONG_M).sex == "M"


def test_normalisation_strips_spaces_and_uppercases_x() -> None:
    typed = " 110105 19491231 002x "
    resident_id = ResidentId(typed)
    assert resident_id.value == BEIJING_F
    assert resident_id == ResidentId(BEIJING_F)
    assert hash(resident_id) == hash(ResidentId(BEIJING_F))
    assert ResidentId.parse("350102\u300019850304123x").value == GULOU_M  # ideographic space


def test_masked_str_and_repr() -> None:
    gulou = ResidentId(GULOU_M)
    assert gulou.masked == "350102********123X"
    assert str(gulou) == GULOU_M
    assert repr(gulou) == "ResidentId('350102********123X')"
    assert "19850304" not in repr(gulou)


def test_frozen() -> None:
    resident_id = ResidentId(GULOU_M)
    with pytest.raises(dataclasses.FrozenInstanceError):
        resident_id.value = BEIJING_F  # type: ignore[misc]


@pytest.mark.parametrize(
    "value", ["", "11010519491231002", "11010519491231002X1", "110105491231002"]
)
def test_length(value: str) -> None:
    assert problem(value) is IdProblem.LENGTH


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002Y",  # bad check character
        "1101051949123100X2",  # X not at the end
        "11010519491231-02X",
        "１10105194912310021",  # full-width digit
        "1101051949123100２X",
    ],
)
def test_characters(value: str) -> None:
    assert problem(value) is IdProblem.CHARACTERS


@pytest.mark.parametrize("region", ["000000", "100101", "160101", "240101", "720101", "840101"])
def test_region(region: str) -> None:
    assert problem(with_check(f"{region}19900101123")) is IdProblem.REGION


@pytest.mark.parametrize("region", ["110101", "350102", "650102", "710000", "810000", "830000"])
def test_accepted_regions(region: str) -> None:
    ResidentId(with_check(f"{region}19900101123"))


@pytest.mark.parametrize(
    "birth",
    [
        "19490231",  # 31 February
        "19901301",  # month 13
        "19900100",  # day 0
        "20230229",  # 2023 is not a leap year
        "17991231",  # before 1800
    ],
)
def test_birth_date_not_a_real_date(birth: str) -> None:
    assert problem(with_check(f"350102{birth}123")) is IdProblem.BIRTH_DATE


def test_leap_day_is_valid() -> None:
    assert ResidentId(with_check("35010220000229124")).birth_date == date(2000, 2, 29)


def test_birth_date_in_the_future_needs_today() -> None:
    born_today = with_check("35010220260214124")
    assert problem(born_today, today=date(2026, 2, 13)) is IdProblem.BIRTH_DATE
    assert ResidentId.parse(born_today, today=date(2026, 2, 14)).sex == "F"
    # Without today, only the constructor's checks apply.
    assert ResidentId.parse(born_today).birth_date == date(2026, 2, 14)


def test_check() -> None:
    # Same first 17 as BEIJING_F, whose check character is X.
    assert problem("110105194912310021") is IdProblem.CHECK
    # One digit mistyped (sequence 002 -> 003): S becomes 169, 169 mod 11 = 4 -> "8", not "X".
    assert problem("11010519491231003X") is IdProblem.CHECK
    assert ResidentId("110105194912310038").sex == "M"


def test_error_attributes_and_message() -> None:
    with pytest.raises(InvalidResidentId) as raised:
        ResidentId(" 110105194912310021")
    error = raised.value
    assert error.value == " 110105194912310021"  # what was given
    assert error.reason == IdProblem.CHECK
    assert error.reason.value == "check"
    assert f"{error.reason}" == "check"
    message = str(error)
    assert "check character" in message
    assert "110105194912310021" not in message
    assert not isinstance(error, ValueError)


def test_reasons_are_strings() -> None:
    assert [p.value for p in IdProblem] == ["length", "characters", "region", "birth_date", "check"]


def test_non_string_refused() -> None:
    with pytest.raises(TypeError):
        ResidentId(350102198503041230)  # type: ignore[arg-type]


def test_make_resident_id() -> None:
    made = make_resident_id("110105", date(1949, 12, 31), 2)
    assert made.value == BEIJING_F
    assert make_resident_id("350102", date(1985, 3, 4), 123).value == GULOU_M
    with pytest.raises(ValueError, match="sequence"):
        make_resident_id("350102", date(1985, 3, 4), 1000)


# An independent spelling of the accepted province-level prefixes.
NORTH_EAST_EAST = [*range(11, 16), *range(21, 24), *range(31, 38)]
SOUTH_WEST = [*range(41, 47), *range(50, 55), *range(61, 66)]
PROVINCES = [str(n) for n in (*NORTH_EAST_EAST, *SOUTH_WEST, 71, 81, 82, 83)]
provinces = st.sampled_from(PROVINCES)


@st.composite
def resident_ids(draw: st.DrawFn) -> tuple[ResidentId, date, int]:
    region = f"{draw(provinces)}{draw(st.integers(0, 9999)):04d}"
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)))
    sequence = draw(st.integers(0, 999))
    return make_resident_id(region, birth, sequence), birth, sequence


@given(resident_ids())
def test_made_numbers_round_trip(made: tuple[ResidentId, date, int]) -> None:
    resident_id, birth, sequence = made
    assert ResidentId.parse(str(resident_id), today=birth) == resident_id
    assert resident_id.birth_date == birth
    assert resident_id.sex == ("M" if sequence % 2 else "F")
    assert resident_id.masked[:6] == resident_id.value[:6]
    assert resident_id.masked[6:14] == "********"
    assert resident_id.masked[14:] == resident_id.value[14:]


@given(resident_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_substitution_is_caught(
    made: tuple[ResidentId, date, int], position: int, replacement: str
) -> None:
    value = made[0].value
    if value[position] == replacement:
        return
    mutated = value[:position] + replacement + value[position + 1 :]
    with pytest.raises(InvalidResidentId):
        ResidentId(mutated)
