"""Check characters of Chinese identifiers: unified social credit codes and resident ID numbers."""

from __future__ import annotations

from datetime import date

from award.calendar import today

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_CARD_CHECK_CHARS = "10X98765432"
ID_CARD_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
DIGITS = "0123456789"
EARLIEST_BIRTH_YEAR = 1900


def credit_code_check_char(first17: str) -> str:
    """Return the check character (GB 32100-2015) for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(char not in CREDIT_CODE_ALPHABET for char in first17):
        raise ValueError(
            "计算统一社会信用代码校验位需要 17 位大写数字或字母（不含 I、O、Z、S、V），"
            f"实为 {first17!r}"
        )
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Return why a unified social credit code is invalid, or None if it is valid."""
    if len(code) != 18:
        return f"统一社会信用代码长度应为 18 位，实为 {len(code)} 位"
    for position, char in enumerate(code, start=1):
        if char.islower() and char.upper() in CREDIT_CODE_ALPHABET:
            return f"第 {position} 位为小写字母 {char}：统一社会信用代码的字母应为大写"
        if char not in CREDIT_CODE_ALPHABET:
            return (
                f"第 {position} 位含不允许的字符 {char}"
                "（只允许数字和大写字母，且不使用 I、O、Z、S、V）"
            )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"校验位应为 {expected} 而不是 {code[17]}"
    return None


def id_card_check_char(first17: str) -> str:
    """Return the check character (GB 11643-1999) for the first 17 digits of an ID number."""
    if len(first17) != 17 or any(char not in DIGITS for char in first17):
        raise ValueError(f"计算身份证号校验位需要 17 位数字，实为 {first17!r}")
    total = sum(int(char) * weight for char, weight in zip(first17, ID_CARD_WEIGHTS, strict=True))
    return ID_CARD_CHECK_CHARS[total % 11]


def _birth_date_problem(digits: str) -> str | None:
    """Return why the YYYYMMDD birth date of an ID number is impossible, or None."""
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return f"出生日期 {digits} 不是有效日期"
    if born.year < EARLIEST_BIRTH_YEAR:
        return f"出生日期 {born.isoformat()} 早于 {EARLIEST_BIRTH_YEAR} 年"
    if born > today():
        return f"出生日期 {born.isoformat()} 晚于今天"
    return None


def id_card_problem(number: str) -> str | None:
    """Return why an 18-digit resident ID number is invalid, or None if it is valid."""
    if len(number) != 18:
        return f"身份证号长度应为 18 位，实为 {len(number)} 位"
    for position, char in enumerate(number[:17], start=1):
        if char not in DIGITS:
            return f"第 {position} 位应为数字，实为 {char}"
    check = number[17].upper()
    if check not in ID_CARD_CHECK_CHARS:
        return f"第 18 位（校验位）应为数字或 X，实为 {number[17]}"
    birth_problem = _birth_date_problem(number[6:14])
    if birth_problem is not None:
        return birth_problem
    expected = id_card_check_char(number[:17])
    if check != expected:
        return f"校验位应为 {expected} 而不是 {number[17]}"
    return None
