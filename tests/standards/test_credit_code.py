"""GB 32100-2015 unified social credit code: check character and validation.

Reference values: the weights W_i = 3**(i-1) mod 31 as printed in GB 32100-2015 clause 4;
real codes of three companies as published on their business licences; check characters
of single-digit strings worked out by hand (see ``test_check_character_each_weight``).
"""

from __future__ import annotations

import pytest

from greenpark.errors import InputError
from greenpark.standards.credit_code import (
    CODE_CHARACTERS,
    WEIGHTS,
    CreditCodeError,
    credit_code_check_character,
    validate_credit_code,
)

REAL_CODES = [
    "914403001922038216",  # Huawei Technologies Co., Ltd.
    "9144030071526726XG",  # Shenzhen Tencent Computer Systems Co., Ltd.
    "91330100799655058B",  # Alibaba (China) Co., Ltd.
]


def test_code_set_has_31_characters_without_i_o_s_v_z() -> None:
    assert len(CODE_CHARACTERS) == 31
    assert not set("IOSVZ") & set(CODE_CHARACTERS)


def test_weights_as_printed_in_the_standard() -> None:
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code: str) -> None:
    assert validate_credit_code(code) == code
    assert credit_code_check_character(code[:17]) == code[17]


# A '1' at position i and '0' elsewhere sums to W_i; C18 = 31 - W_i, written by hand from
# the code set 0-9 A-H J-N P-R T-U W-Y (A=10 ... Y=30).
HAND_CHECKS = {
    1: "Y",  # W=1  -> 30
    2: "W",  # W=3  -> 28
    3: "N",  # W=9  -> 22
    4: "4",  # W=27 -> 4
    5: "C",  # W=19 -> 12
    6: "5",  # W=26 -> 5
    7: "F",  # W=16 -> 15
    8: "E",  # W=17 -> 14
    9: "B",  # W=20 -> 11
    10: "2",  # W=29 -> 2
    11: "6",  # W=25 -> 6
    12: "J",  # W=13 -> 18
    13: "P",  # W=8  -> 23
    14: "7",  # W=24 -> 7
    15: "M",  # W=10 -> 21
    16: "1",  # W=30 -> 1
    17: "3",  # W=28 -> 3
}


@pytest.mark.parametrize(("position", "expected"), sorted(HAND_CHECKS.items()))
def test_check_character_each_weight(position: int, expected: str) -> None:
    first17 = "0" * (position - 1) + "1" + "0" * (17 - position)
    assert credit_code_check_character(first17) == expected


def test_check_character_31_becomes_0() -> None:
    # sum 0 -> 31 - 0 = 31, which the standard writes as 0
    assert credit_code_check_character("0" * 17) == "0"


def test_check_character_uses_letter_values() -> None:
    # 'A' (10) at position 1: 10 * 1 = 10 -> 31 - 10 = 21 -> 'M'
    assert credit_code_check_character("A" + "0" * 16) == "M"


def test_wrong_check_character_names_the_expected_one() -> None:
    with pytest.raises(CreditCodeError, match="check character is 'X', expected '6'"):
        validate_credit_code("91440300192203821X")


def test_pilot_era_code_is_refused() -> None:
    # issued in Fujian before the standard; its computed check character is '1'
    assert credit_code_check_character("91350100M0001TGQX") == "1"
    with pytest.raises(CreditCodeError, match="check character is 'M', expected '1'"):
        validate_credit_code("91350100M0001TGQXM")


@pytest.mark.parametrize(
    ("code", "length"), [("91440300192203821", 17), ("9144030019220382166", 19)]
)
def test_wrong_length(code: str, length: int) -> None:
    with pytest.raises(CreditCodeError, match=f"has {length} characters, expected 18"):
        validate_credit_code(code)


@pytest.mark.parametrize("char", ["I", "O", "S", "V", "Z", "-"])
def test_character_outside_the_code_set(char: str) -> None:
    code = "9144030019220382" + char + "6"
    with pytest.raises(CreditCodeError, match=f"character '{char}' at position 17"):
        validate_credit_code(code)


def test_check_character_function_refuses_bad_input() -> None:
    with pytest.raises(CreditCodeError, match="expected 17 characters"):
        credit_code_check_character("123")
    with pytest.raises(CreditCodeError, match="position 2"):
        credit_code_check_character("9O" + "0" * 15)


def test_division_code_must_be_digits() -> None:
    with pytest.raises(CreditCodeError, match="positions 3-8"):
        validate_credit_code("91A40300192203821" + credit_code_check_character("91A40300192203821"))


def test_lower_case_and_spaces_are_normalised() -> None:
    assert validate_credit_code(" 9144030071526726xg ") == "9144030071526726XG"


def test_not_text_is_refused() -> None:
    with pytest.raises(CreditCodeError, match="must be text"):
        validate_credit_code(914403001922038216)  # type: ignore[arg-type]


def test_error_is_an_input_error_and_a_value_error() -> None:
    assert issubclass(CreditCodeError, InputError)
    assert issubclass(CreditCodeError, ValueError)
