"""Parsing voters' mobile numbers and refusing virtual-operator, data-card and IoT segments."""

from __future__ import annotations

from pathlib import Path

import pytest

from vote_api.voting.proofs.phone.numbers import (
    SEGMENTS_FILE,
    PhoneNumber,
    PhoneNumberMalformed,
    PhoneSegmentRefused,
    SegmentsFileError,
    parse_phone,
    parse_voter_phone,
    segment_rules,
)


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "0086-138-1234-5678",
        "8613812345678",
        "１３８１２３４５６７８",  # full-width digits from an input method
        "　138　1234　5678　",  # full-width spaces
    ],
)
def test_typed_forms_of_one_number(typed: str) -> None:
    number = parse_voter_phone(typed)
    assert number == PhoneNumber("13812345678")
    assert (number.segment, number.region_block) == ("138", "1234")
    assert number.e164 == "+8613812345678"


@pytest.mark.parametrize("digits", ["13000000000", "15912345678", "19912345678", "19212345678"])
def test_ordinary_segments_pass(digits: str) -> None:
    assert parse_voter_phone(digits).digits == digits


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "请输入手机号码"),
        ("   ", "请输入手机号码"),
        ("1381234567", "11 位"),
        ("138123456789", "11 位"),
        ("12812345678", "以 13 至 19 开头"),
        ("23812345678", "以 13 至 19 开头"),
        ("+85291234567", "仅支持中国大陆手机号码"),
        ("+1 4155550100", "仅支持中国大陆手机号码"),
        ("138.1234.5678", "只能包含数字"),
        ("138１２３４abcd", "只能包含数字"),
        ("١٣٨١٢٣٤٥٦٧٨", "只能包含数字"),  # digits of another script
        ("1" * 10_000, "过长"),
    ],
)
def test_malformed_numbers_get_a_chinese_message(typed: str, says: str) -> None:
    with pytest.raises(PhoneNumberMalformed) as raised:
        parse_voter_phone(typed)
    assert says in raised.value.message
    assert raised.value.code == "phone_malformed"


@pytest.mark.parametrize(
    ("digits", "kind", "prefix", "says"),
    [
        ("17001234567", "virtual", "170", "虚拟运营商"),
        ("17112345678", "virtual", "171", "虚拟运营商"),
        ("16212345678", "virtual", "162", "虚拟运营商"),
        ("16512345678", "virtual", "165", "虚拟运营商"),
        ("16712345678", "virtual", "167", "虚拟运营商"),
        ("14512345678", "data_only", "145", "上网卡"),
        ("14712345678", "data_only", "147", "上网卡"),
        ("14912345678", "data_only", "149", "上网卡"),
        ("14012345678", "iot", "140", "物联网"),
        ("14812345678", "iot", "148", "物联网"),
        ("1064812345678", "iot", "10648", "物联网"),
        ("+86 1064 6123 45678", "iot", "10646", "物联网"),
    ],
)
def test_refused_segments(digits: str, kind: str, prefix: str, says: str) -> None:
    with pytest.raises(PhoneSegmentRefused) as raised:
        parse_voter_phone(digits)
    refused = raised.value
    assert (refused.kind, refused.prefix, refused.code) == (kind, prefix, "phone_segment_refused")
    assert says in refused.message and prefix in refused.message and "请换用" in refused.message


def test_a_ballot_that_allows_special_segments_takes_them() -> None:
    assert parse_voter_phone("17012345678", refuse_special_segments=False).segment == "170"
    assert parse_voter_phone("14512345678", refuse_special_segments=False).segment == "145"
    with pytest.raises(PhoneSegmentRefused):  # 13-digit IoT numbers are never mobiles
        parse_phone("1064812345678")


def test_the_segments_file_names_its_source() -> None:
    text = SEGMENTS_FILE.read_text(encoding="utf-8")
    assert "电信网编号计划" in text and "码号资源" in text and "checked:" in text
    prefixes = {rule.prefix for rule in segment_rules()}
    assert {"170", "171", "162", "165", "167", "145", "147", "149", "10648"} <= prefixes
    assert all(str(n) in prefixes for n in range(140, 150))


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("kinds: [", "不是有效的 YAML"),
        ("refused: []", "kinds"),
        ("kinds: {v: {message: 'x {prefix}'}}\nrefused: []", "refused：不能为空"),
        ("kinds: {v: {message: 'no placeholder'}}\nrefused: [{prefix: '170', kind: v}]", "kinds.v"),
        ("kinds: {v: {message: '{prefix}'}}\nrefused: [{prefix: 170, kind: v}]", "写成字符串"),
        (
            "kinds: {v: {message: '{prefix}'}}\nrefused: [{prefix: '2701', kind: v}]",
            "refused 第 1 项",
        ),
        ("kinds: {v: {message: '{prefix}'}}\nrefused: [{prefix: '170', kind: w}]", "kind 'w'"),
        (
            "kinds: {v: {message: '{prefix}'}}\nrefused: [{prefix: '170', kind: v}, {prefix: '170', kind: v}]",
            "第 2 项：prefix 170 重复",
        ),
    ],
)
def test_a_broken_segments_file_is_named_in_chinese(
    tmp_path: Path, content: str, says: str
) -> None:
    path = tmp_path / "phone_segments.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SegmentsFileError) as raised:
        segment_rules(path)
    assert "phone_segments.yml" in str(raised.value) and says in str(raised.value)
