"""Pydantic validation errors turned into problems that name the entry and say what is wrong."""

from __future__ import annotations

from collections.abc import Iterator
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


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
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
