"""Mainland mobile numbers: parsing what a voter types, and refusing special-use segments.

A voter may type spaces, dashes, full-width digits and a +86 / 0086 / 86 prefix; what
remains must be 11 digits starting 13–19. A number has an operator segment (its first 3
digits) and a region block (the next 4), the only parts of it that anomaly review may keep.
Virtual-operator, data-card and IoT segments (data/phone_segments.yml, with its source) are
refused on ballots that say so. Every refusal carries a Chinese message saying what to do.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SEGMENTS_FILE = Path(__file__).with_name("data") / "phone_segments.yml"
#: Longer than any typed number with its prefix and separators: refused unread.
MAX_INPUT_LENGTH = 32
_MOBILE = re.compile(r"1[3-9]\d{9}")
_IOT_13 = re.compile(r"1064\d{9}")
_SEPARATORS = re.compile(r"[\s\-]+")


class PhoneNumberError(ValueError):
    """A number the service will not use, with a Chinese message and a stable code."""

    code = "phone_invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PhoneNumberMalformed(PhoneNumberError):
    """Not a mainland mobile number."""

    code = "phone_malformed"


class PhoneSegmentRefused(PhoneNumberError):
    """A mobile number in a refused segment (virtual operator, data card, IoT)."""

    code = "phone_segment_refused"

    def __init__(self, message: str, kind: str, prefix: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.prefix = prefix


@dataclass(frozen=True)
class PhoneNumber:
    """A mainland mobile number: 11 digits, no prefix."""

    digits: str

    @property
    def segment(self) -> str:
        """The operator segment: the first 3 digits."""
        return self.digits[:3]

    @property
    def region_block(self) -> str:
        """The region block (HLR code): the 4 digits after the segment."""
        return self.digits[3:7]

    @property
    def e164(self) -> str:
        """The number with its country code, as gateways take it."""
        return f"+86{self.digits}"


@dataclass(frozen=True)
class SegmentRule:
    """A refused prefix from the segments file."""

    prefix: str
    kind: str
    message: str


class SegmentsFileError(ValueError):
    """The segments file breaks a rule (file, entry, rule in the message)."""


def _fail(path: Path, entry: str, rule: str) -> SegmentsFileError:
    return SegmentsFileError(f"{path.name}：{entry}：{rule}")


@functools.cache
def segment_rules(path: Path = SEGMENTS_FILE) -> tuple[SegmentRule, ...]:
    """The refused prefixes, longest first, read and checked from the segments file."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise _fail(path, "整个文件", f"不是有效的 YAML（{error}）") from None
    if not isinstance(data, dict) or not isinstance(data.get("kinds"), dict):
        raise _fail(path, "kinds", "须为各类号段及其提示的映射")
    kinds = data["kinds"]
    for kind, spec in kinds.items():
        if not isinstance(spec, dict) or "{prefix}" not in str(spec.get("message", "")):
            raise _fail(path, f"kinds.{kind}", "须有含 {prefix} 的 message")
    rules = []
    seen = set()
    for index, entry in enumerate(data.get("refused") or []):
        where = f"refused 第 {index + 1} 项"
        prefix = entry.get("prefix") if isinstance(entry, dict) else None
        if not isinstance(prefix, str) or not re.fullmatch(r"1\d{2,4}", prefix):
            raise _fail(
                path, where, f"prefix {prefix!r} 须为以 1 开头的 3 至 5 位数字（写成字符串）"
            )
        if prefix in seen:
            raise _fail(path, where, f"prefix {prefix} 重复")
        if entry.get("kind") not in kinds:
            raise _fail(path, where, f"kind {entry.get('kind')!r} 须为 {'、'.join(kinds)} 之一")
        seen.add(prefix)
        message = kinds[entry["kind"]]["message"].format(prefix=prefix)
        rules.append(SegmentRule(prefix, entry["kind"], message))
    if not rules:
        raise _fail(path, "refused", "不能为空")
    return tuple(sorted(rules, key=lambda rule: -len(rule.prefix)))


def refusal(digits: str) -> SegmentRule | None:
    """The rule that refuses a number (digits only), or None."""
    return next((rule for rule in segment_rules() if digits.startswith(rule.prefix)), None)


def _digits(raw: str) -> str:
    """The typed text without separators or country prefix; malformed input refused."""
    if not raw or not raw.strip():
        raise PhoneNumberMalformed("请输入手机号码")
    if len(raw) > MAX_INPUT_LENGTH:
        raise PhoneNumberMalformed("手机号码过长：请输入 11 位中国大陆手机号码")
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    if text.startswith("+"):
        if not text.startswith("+86"):
            raise PhoneNumberMalformed("仅支持中国大陆手机号码（+86）：请输入 11 位手机号码")
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not text.isascii() or not text.isdigit():
        raise PhoneNumberMalformed(
            "手机号码只能包含数字，可带空格、短横线和 +86 前缀，请核对后重新输入"
        )
    return text


def parse_phone(raw: str) -> PhoneNumber:
    """A mainland mobile number from what a voter typed, or PhoneNumberMalformed."""
    digits = _digits(raw)
    if _IOT_13.fullmatch(digits):
        rule = refusal(digits)
        if rule is not None:
            raise PhoneSegmentRefused(rule.message, rule.kind, rule.prefix)
    if not _MOBILE.fullmatch(digits):
        raise PhoneNumberMalformed(
            f"手机号码应为 11 位、以 13 至 19 开头的中国大陆手机号码（您输入了 {len(digits)} 位），请核对后重新输入"
        )
    return PhoneNumber(digits)


def parse_voter_phone(raw: str, refuse_special_segments: bool = True) -> PhoneNumber:
    """Parse a voter's number; with `refuse_special_segments`, refuse virtual/data/IoT ones."""
    number = parse_phone(raw)
    if refuse_special_segments:
        rule = refusal(number.digits)
        if rule is not None:
            raise PhoneSegmentRefused(rule.message, rule.kind, rule.prefix)
    return number
