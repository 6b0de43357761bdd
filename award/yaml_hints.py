"""What a person most often got wrong in a YAML file that does not read: found by looking at its lines.

PyYAML reports where reading failed, which is often lines after the cause: a key written with a
full-width colon, a quote never closed, a date that does not exist. These helpers find the
cause's own line so that the message can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

#: A line that starts (after indentation, a list dash, or a flow bracket) with a key.
_KEY_START = r"(?:^[ \t]*(?:-[ \t]+)?|[{,][ \t]*)"

#: Full-width characters typed where YAML needs the half-width one, and what to type instead.
_FULL_WIDTH: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(_KEY_START + r"[A-Za-z_][A-Za-z0-9_-]*[ \t]*(：)"),
        "键后用了全角冒号“{char}”，请改为半角冒号加空格“: ”",
    ),
    (
        re.compile(r"^[ \t]*(\u3000)"),
        "行首有全角空格，缩进请用半角空格",
    ),
    (
        re.compile(r"^[ \t]*([－—–])[ \t\u3000]"),
        "列表项前用了全角或中文的横线“{char}”，请改为半角“- ”",
    ),
    (
        re.compile(r":[ \t]+([［【｛])"),
        "用了全角括号“{char}”，列表请写半角方括号 [ ]，键值表请写半角花括号 {{ }}",
    ),
    (
        re.compile(r":[ \t]+\[[^\]\n]*?(，)[^\n]*\]"),
        "方括号列表中用了全角逗号“{char}”，各项之间请用半角逗号“,”",
    ),
)

_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])")


@dataclass(frozen=True)
class Hint:
    """A likely cause of a reading error, at a line and column of the file (both from 1)."""

    line: int
    column: int
    message: str

    def where(self) -> str:
        """The place in words, e.g. 第 3 行第 5 列."""
        return f"第 {self.line} 行第 {self.column} 列"


def _code_part(line: str) -> str:
    """A line without its comment (a # after a space, outside quotes is close enough here)."""
    return re.split(r"(?:^|[ \t])#", line, maxsplit=1)[0]


def full_width_hints(text: str, first_line: int = 1) -> list[Hint]:
    """Every line where a full-width character stands for YAML's half-width punctuation."""
    hints: list[Hint] = []
    for number, line in enumerate(text.split("\n"), start=first_line):
        code = _code_part(line)
        for pattern, advice in _FULL_WIDTH:
            match = pattern.search(code)
            if match:
                message = advice.format(char=match.group(1))
                hints.append(Hint(number, match.start(1) + 1, message))
                break
    return hints


def _closing(line: str, start: int) -> int | None:
    """Where the quoted text that opens at ``start`` closes on the same line, if it does."""
    quote = line[start]
    index = start + 1
    while index < len(line):
        character = line[index]
        if quote == '"' and character == "\\":
            index += 2
            continue
        if character == quote:
            if quote == "'" and line[index + 1 : index + 2] == "'":
                index += 2
                continue
            return index
        index += 1
    return None


_QUOTE_START = re.compile(r"(?:^[ \t]*(?:-[ \t]+)*|:[ \t]+|[\[{,][ \t]*)(['\"])")


def unclosed_quote(text: str, first_line: int = 1) -> Hint | None:
    """The first line where quoted text opens and does not close on that line."""
    for number, line in enumerate(text.split("\n"), start=first_line):
        position = 0
        while True:
            match = _QUOTE_START.search(line, position)
            if match is None:
                break
            start = match.start(1)
            end = _closing(line, start)
            if end is None:
                quote = line[start]
                return Hint(
                    number,
                    start + 1,
                    f"引号 {quote} 没有闭合：从这里开始的文字缺少结束的 {quote}，"
                    f"请在这段文字末尾补上 {quote}",
                )
            position = end + 1
    return None


def _date_problem(year: int, month: int, day: int) -> str | None:
    if not 1 <= month <= 12:
        return f"月份 {month} 不存在（应为 1 至 12）"
    try:
        date(year, month, day)
    except ValueError:
        last = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
        return f"{year} 年 {month} 月只有 {last} 天，没有 {day} 日"
    return None


def impossible_dates(text: str, first_line: int = 1) -> list[Hint]:
    """Every date written in the text that does not exist, e.g. 2026-02-30 or 2026-13-01."""
    hints: list[Hint] = []
    for number, line in enumerate(text.split("\n"), start=first_line):
        for match in _DATE.finditer(_code_part(line)):
            year, month, day = (int(part) for part in match.groups())
            problem = _date_problem(year, month, day)
            if problem:
                hints.append(
                    Hint(number, match.start() + 1, f"日期 {match.group(0)} 不存在：{problem}")
                )
    return hints


def line_of(text: str, value: str, first_line: int = 1) -> int | None:
    """The first line on which a value is written, if it is written verbatim."""
    for number, line in enumerate(text.split("\n"), start=first_line):
        if value and value in line:
            return number
    return None
