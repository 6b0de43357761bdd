"""The identity documents and contact numbers an individual may file an objection with.

Shenzhen's residents include people from Hong Kong, Macao, Taiwan and abroad: besides the
mainland resident ID card (GB 11643) the form accepts their travel permits, the foreigner's
permanent residence ID card and a passport, each with its own format check, and a mobile
number from the mainland, Hong Kong or Macao.
"""

from __future__ import annotations

import re
from enum import StrEnum

from award.identifiers import id_card_check_char, id_card_problem


class DocumentKind(StrEnum):
    """An identity document a person may give."""

    ID_CARD = "id_card"
    HK_MACAO_PERMIT = "hk_macao_permit"
    TAIWAN_PERMIT = "taiwan_permit"
    FOREIGN_PERMANENT_RESIDENT = "foreign_permanent_resident"
    PASSPORT = "passport"

    @property
    def label(self) -> str:
        """The document's Chinese name."""
        return DOCUMENT_LABELS[self]


DOCUMENT_LABELS = {
    DocumentKind.ID_CARD: "居民身份证",
    DocumentKind.HK_MACAO_PERMIT: "港澳居民来往内地通行证",
    DocumentKind.TAIWAN_PERMIT: "台湾居民来往大陆通行证",
    DocumentKind.FOREIGN_PERMANENT_RESIDENT: "外国人永久居留身份证",
    DocumentKind.PASSPORT: "护照",
}
#: 回乡证: H (Hong Kong) or M (Macao) and 8 digits (10 on permits issued before 2013).
HK_MACAO = re.compile(r"[HM]\d{8}(\d{2})?")
#: 台胞证: 8 digits (10 digits with an optional letter on permits issued before 2015).
TAIWAN = re.compile(r"\d{8}|\d{10}[A-Z]?")
#: 2004 design: a 3-letter country code and 12 digits; 2023 design: 18 characters from 9.
FOREIGN_2004 = re.compile(r"[A-Z]{3}\d{12}")
FOREIGN_2023 = re.compile(r"9\d{16}[\dX]")
#: Passports differ by country: 5 to 17 letters or digits, with at least one digit.
PASSPORT = re.compile(r"(?=.*\d)[A-Z0-9]{5,17}")

MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
HONG_KONG_MOBILE = re.compile(r"(?:\+?852)?([4-9]\d{7})")
MACAO_MOBILE = re.compile(r"(?:\+?853)?(6\d{7})")


def normalise_document(number: str) -> str:
    """A typed document number without spaces or dashes, in capitals."""
    return re.sub(r"[\s\-()（）]", "", number).upper()


def document_problem(kind: DocumentKind, number: str) -> str | None:
    """Why a (normalised) document number is not in its document's format, or None."""
    if kind is DocumentKind.ID_CARD:
        return id_card_problem(number)
    if kind is DocumentKind.HK_MACAO_PERMIT and not HK_MACAO.fullmatch(number):
        return "港澳居民来往内地通行证号码应为 H 或 M 加 8 位数字（旧证为 10 位数字），如 H12345678"
    if kind is DocumentKind.TAIWAN_PERMIT and not TAIWAN.fullmatch(number):
        return "台湾居民来往大陆通行证号码应为 8 位数字（旧证为 10 位数字），如 12345678"
    if kind is DocumentKind.FOREIGN_PERMANENT_RESIDENT:
        if FOREIGN_2004.fullmatch(number):
            return None
        if not FOREIGN_2023.fullmatch(number):
            return "外国人永久居留身份证号码应为 18 位（以 9 开头）或 15 位（3 个字母加 12 位数字）"
        expected = id_card_check_char(number[:17])
        if number[17] != expected:
            return f"校验位应为 {expected} 而不是 {number[17]}"
        return None
    if kind is DocumentKind.PASSPORT and not PASSPORT.fullmatch(number):
        return "护照号码应为 5 至 17 位字母或数字"
    return None


def normalise_phone(text: str) -> str | None:
    """A mainland, Hong Kong or Macao mobile number in one form (+852/+853 kept), or None."""
    digits = re.sub(r"[\s\-()（）]", "", text)
    if MAINLAND_MOBILE.fullmatch(digits):
        return digits
    if digits.startswith(("+86", "0086")):
        rest = digits.removeprefix("+86").removeprefix("0086")
        return rest if MAINLAND_MOBILE.fullmatch(rest) else None
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    for pattern, code in ((HONG_KONG_MOBILE, "+852"), (MACAO_MOBILE, "+853")):
        match = pattern.fullmatch(digits)
        if match and (digits.startswith(("+", code[1:])) or len(digits) == 8):
            return code + match.group(1)
    return None
