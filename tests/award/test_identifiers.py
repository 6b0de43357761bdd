"""Tests for credit-code and ID-number check characters."""

from datetime import timedelta

import pytest

from award.calendar import today
from award.identifiers import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    credit_code_problem,
    id_card_check_char,
    id_card_problem,
)

# Codes asserted valid by public test suites and validator docs (hutool CreditCodeUtilTest,
# several validator READMEs and tests), and the published codes of Tencent and Huawei (Shenzhen).
PUBLISHED_VALID_CREDIT_CODES = (
    "91310110666007217T",
    "91310115591693856A",
    "91350100M000100Y43",
    "91230184MA1BUFLT44",
    "92371000MA3MXH0E3W",
    "91440300708461136T",
    "914403001922038216",
)
# An early pilot-region code that does not follow GB 32100-2015 (hutool asserts it invalid).
NONCONFORMING_PILOT_CODE = "91350211M00013FA1N"

# The example number of GB 11643-1999 (born 1949-12-31, check char X).
VALID_ID_CARD = "11010519491231002X"
# GB 11643-1999's other example, born 1880-01-01: correct check digit, but before 1900.
ID_CARD_BORN_1880 = "440524188001010014"


# --- credit codes --------------------------------------------------------------------------


def test_credit_code_published_codes_are_valid() -> None:
    for code in PUBLISHED_VALID_CREDIT_CODES:
        assert credit_code_problem(code) is None, code


def test_credit_code_check_char_matches_published_codes() -> None:
    for code in PUBLISHED_VALID_CREDIT_CODES:
        assert credit_code_check_char(code[:17]) == code[17], code
    assert credit_code_check_char("91350100M000100Y4") == "3"


def test_credit_code_nonconforming_pilot_code_is_rejected() -> None:
    assert credit_code_problem(NONCONFORMING_PILOT_CODE) == "校验位应为 3 而不是 N"


def test_credit_code_check_char_zero_case() -> None:
    # When the weighted sum is a multiple of 31 the check character is "0", not alphabet[31].
    first17 = "00000000000000000"
    assert credit_code_check_char(first17) == "0"
    assert credit_code_problem(first17 + "0") is None


def test_credit_code_wrong_length() -> None:
    assert credit_code_problem("91350100M000100Y4") == "统一社会信用代码长度应为 18 位，实为 17 位"
    assert (
        credit_code_problem("91350100M000100Y433") == "统一社会信用代码长度应为 18 位，实为 19 位"
    )
    assert credit_code_problem("") == "统一社会信用代码长度应为 18 位，实为 0 位"


def test_credit_code_lower_case_is_a_problem() -> None:
    problem = credit_code_problem("91350100m000100Y43")
    assert problem is not None
    assert "第 9 位为小写字母 m" in problem
    assert "大写" in problem


def test_credit_code_forbidden_letters() -> None:
    for letter in "IOZSV":
        code = "91350100M000100" + letter + "43"
        problem = credit_code_problem(code)
        assert problem is not None
        assert f"第 16 位含不允许的字符 {letter}" in problem


def test_credit_code_punctuation_is_forbidden() -> None:
    problem = credit_code_problem("91350100M000100Y4-")
    assert problem is not None
    assert "第 18 位含不允许的字符 -" in problem


def test_credit_code_wrong_check_char() -> None:
    assert credit_code_problem("91350100M000100Y44") == "校验位应为 3 而不是 4"


def test_credit_code_every_single_substitution_is_detected() -> None:
    for code in PUBLISHED_VALID_CREDIT_CODES:
        for position in range(18):
            for char in CREDIT_CODE_ALPHABET:
                if char == code[position]:
                    continue
                changed = code[:position] + char + code[position + 1 :]
                assert credit_code_problem(changed) is not None, changed


def test_credit_code_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="17 位"):
        credit_code_check_char("91350100M000100Y")
    with pytest.raises(ValueError, match="17 位"):
        credit_code_check_char("91350100M000100I4")


# --- resident ID numbers -------------------------------------------------------------------


def test_id_card_valid_number() -> None:
    assert id_card_problem(VALID_ID_CARD) is None
    assert id_card_check_char(VALID_ID_CARD[:17]) == "X"


def test_id_card_lower_case_x_is_accepted() -> None:
    assert id_card_problem(VALID_ID_CARD.lower()) is None


def test_id_card_numeric_check_digit() -> None:
    assert id_card_check_char(ID_CARD_BORN_1880[:17]) == "4"


def test_id_card_wrong_check_char() -> None:
    assert id_card_problem(VALID_ID_CARD[:17] + "1") == "校验位应为 X 而不是 1"


def test_id_card_wrong_length() -> None:
    assert id_card_problem(VALID_ID_CARD[:15]) == "身份证号长度应为 18 位，实为 15 位"


def test_id_card_non_digit() -> None:
    assert id_card_problem("1101051949123100AX") == "第 17 位应为数字，实为 A"


def test_id_card_bad_check_position_char() -> None:
    assert id_card_problem(VALID_ID_CARD[:17] + "Y") == "第 18 位（校验位）应为数字或 X，实为 Y"


def test_id_card_impossible_birth_date() -> None:
    first17 = "11010519490231002"  # 1949-02-31
    number = first17 + id_card_check_char(first17)
    assert id_card_problem(number) == "出生日期 19490231 不是有效日期"


def test_id_card_birth_date_before_1900() -> None:
    assert id_card_problem(ID_CARD_BORN_1880) == "出生日期 1880-01-01 早于 1900 年"


def test_id_card_birth_date_in_future() -> None:
    day_after_tomorrow = today() + timedelta(days=2)
    first17 = "110105" + day_after_tomorrow.strftime("%Y%m%d") + "002"
    number = first17 + id_card_check_char(first17)
    assert id_card_problem(number) == f"出生日期 {day_after_tomorrow.isoformat()} 晚于今天"


def test_id_card_born_today_is_valid() -> None:
    first17 = "110105" + today().strftime("%Y%m%d") + "002"
    assert id_card_problem(first17 + id_card_check_char(first17)) is None


def test_id_card_every_single_digit_change_is_detected() -> None:
    for position in range(17):
        for digit in "0123456789":
            if digit == VALID_ID_CARD[position]:
                continue
            changed = VALID_ID_CARD[:position] + digit + VALID_ID_CARD[position + 1 :]
            assert id_card_problem(changed) is not None, changed
    for check in "0123456789":
        assert id_card_problem(VALID_ID_CARD[:17] + check) is not None


def test_id_card_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="17 位数字"):
        id_card_check_char("1101051949123100X")
