"""Mutations of valid content as people save and type it, each with what the check must then say."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

BOM = "\ufeff"
KEY_LINE = re.compile(r"^( *(?:- )?)([a-z_]+):( |$)")
PLAIN_VALUE = re.compile(r"^( *(?:- )?[a-z_]+: )([^'\"\[{\s][^\n]*)$")
DATE = re.compile(r"2026-\d\d-\d\d")
NAME = re.compile(r"^( *(?:- )?name: )(.+)$")

#: How many kinds of saved mutation there are (see saved_mutation).
SAVED_KINDS = 6


@dataclass
class Saved:
    """The mutated year file and notice, and fragments the check's output must hold."""

    year: str
    notice: str
    passes: bool = False
    says: list[str] = field(default_factory=list)


def _lines(text: str, pattern: re.Pattern[str]) -> list[int]:
    return [i for i, line in enumerate(text.split("\n")) if pattern.search(line)]


def _replace_line(text: str, index: int, line: str) -> str:
    lines = text.split("\n")
    lines[index] = line
    return "\n".join(lines)


def saved_mutation(year: str, notice: str, kind: int, pick: int) -> Saved:
    """One mutation of the year file's YAML or the notice's front matter (``notice`` without ---).

    Line numbers in ``says`` count from the top of the file (the notice's front matter starts on
    line 2, after its opening ---).
    """
    rng = random.Random(pick)
    in_notice = pick % 2 == 1
    text = notice if in_notice else year
    offset = 2 if in_notice else 1
    file = "notices/2026-11-16-publicity.md" if in_notice else "awards/2026.yml"

    def done(changed: str, *says: str, passes: bool = False) -> Saved:
        if in_notice:
            return Saved(year, changed, passes, [file, *says])
        return Saved(changed, notice, passes, [file, *says])

    kind %= SAVED_KINDS
    if kind == 0:  # saved on Windows: a byte-order mark and CRLF line endings
        return Saved(
            BOM + year.replace("\n", "\r\n"), BOM + notice.replace("\n", "\r\n"), passes=True
        )
    if kind == 1:  # a full-width colon after a key
        index = rng.choice(_lines(text, KEY_LINE))
        line = KEY_LINE.sub(
            lambda m: f"{m.group(1)}{m.group(2)}：{m.group(3)}", text.split("\n")[index], count=1
        )
        return done(_replace_line(text, index, line), "全角冒号“：”", f"第 {index + offset} 行")
    if kind == 2:  # a full-width space as indentation
        index = rng.choice(_lines(text, re.compile(r"^  \S")))
        line = "\u3000" + text.split("\n")[index][2:]
        return done(_replace_line(text, index, line), "全角空格", f"第 {index + offset} 行")
    if kind == 3:  # a quote opened and never closed
        index = rng.choice(_lines(text, PLAIN_VALUE))
        quote = "'\""[pick % 4 // 2]
        line = PLAIN_VALUE.sub(
            lambda m: f"{m.group(1)}{quote}{m.group(2)}", text.split("\n")[index]
        )
        return done(_replace_line(text, index, line), "没有闭合", f"第 {index + offset} 行")
    if kind == 4:  # a date that does not exist
        index = rng.choice(_lines(text, DATE))
        line = DATE.sub("2026-02-30", text.split("\n")[index], count=1)
        return done(
            _replace_line(text, index, line), "2026-02-30 不存在", f"第 {index + offset} 行"
        )
    index = rng.choice(_lines(year, NAME))  # text over its length limit
    length = 101 + pick % 50
    line = NAME.sub(lambda m: m.group(1) + "深" * length, year.split("\n")[index])
    return Saved(
        _replace_line(year, index, line),
        notice,
        says=["awards/2026.yml", f"不超过 100 个字符（当前 {length} 个字符）"],
    )
