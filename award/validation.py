"""Pydantic validation errors turned into problems that name the entry and say what is wrong."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from award.problems import Problem

_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "未知的键（请检查拼写）",
    "string_pattern_mismatch": "编号只能由字母、数字、- 和 _ 组成，且不超过 40 个字符",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "list_type": "应为列表",
    "string_type": "应为文字（写成数字、日期或 true/false 时，请加引号）",
    "int_type": "应为整数",
    "float_type": "应为数字",
    "model_type": "应为键值表",
    "datetime_type": "应为日期时间，如 2026-11-20 09:00",
    "date_type": "应为日期，如 2026-11-20",
    "int_from_float": "应为整数",
    "date_from_datetime_inexact": "应只写日期，如 2026-11-20",
    "datetime_from_date_parsing": "应为日期时间，如 2026-11-20 09:00",
    "literal_error": "无法识别的取值",
    "dict_type": "应为键值表",
    "date_from_datetime_parsing": "应为日期，如 2026-11-20",
    "date_parsing": "应为日期，如 2026-11-20",
    "datetime_parsing": "应为日期时间，如 2026-11-20 09:00",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
}


def _entry_path(data: Any, loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            label = f"[{key + 1}]"
            item = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                label += f"（{item['id']}）"
            elif isinstance(item, str):
                label += f"（{item}）"
            parts.append(label)
            node = item
        else:
            if key.startswith("function-") or key in {"dict", "list", "str"}:
                continue
            parts.append(("." if parts else "") + str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts)


CREDIT_CODE_AS_NUMBER = (
    '统一社会信用代码须加引号，写作 credit_code: "91440300…"：不加引号时全为数字的代码会被读成数字'
)


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    loc = error.get("loc", ())
    if loc and loc[-1] == "credit_code" and kind == "string_type":
        return CREDIT_CODE_AS_NUMBER + f"（当前读作 {error.get('input')!r}）"
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return f"无法识别的取值“{error.get('input')}”，可选：{expected}"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    text = _MESSAGES.get(kind, error["msg"])
    if kind not in {"missing", "extra_forbidden"} and "input" in error:
        value = error["input"]
        if isinstance(value, str | int | float):
            text += f"（当前为“{value}”）"
    return text


def problems_from_validation(
    error: ValidationError, data: Any, file: str, rule: str = "格式"
) -> Iterator[Problem]:
    """One problem per pydantic error, naming the entry by its position and id."""
    for item in error.errors():
        yield Problem(file, _entry_path(data, item["loc"]), rule, _message(item))
