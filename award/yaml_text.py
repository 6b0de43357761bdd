"""Reading the secretariat's YAML: duplicate keys refused, errors in Chinese with line and column."""

from __future__ import annotations

from typing import Any

import yaml

from award.problems import Problem
from award.yaml_hints import Hint, full_width_hints, impossible_dates, unclosed_quote

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class PlainDumper(_BaseDumper):
    """A safe YAML writer that never writes anchors (&id001) or aliases: every value in full."""

    def ignore_aliases(self, data: Any) -> bool:
        """Write a value repeated in the data again in full, never as an alias."""
        return True


def dump_yaml(data: Any) -> str:
    """YAML as a person would write it: keys in order, Chinese as is, no anchors."""
    return yaml.dump(data, Dumper=PlainDumper, allow_unicode=True, sort_keys=False)


#: PyYAML's parser messages (their start) and what they mean to a person editing the file.
_REASONS: tuple[tuple[str, str], ...] = (
    ("expected ',' or ']'", "方括号 [ ] 列表没有正确结束：缺少“,”或“]”"),
    ("expected ',' or '}'", "花括号 { } 没有正确结束：缺少“,”或“}”"),
    (
        "mapping values are not allowed",
        "此处不能出现“: ”：冒号后的文字含有冒号时请加引号，或检查缩进",
    ),
    ("could not find expected ':'", "缺少“: ”：每行应写作“键: 值”，或检查上一行的引号是否闭合"),
    ("tab character", "不能用 Tab 缩进或对齐，请改用空格"),
    ("found character", "含有不能出现在值开头的字符（如 @、`、%），请给这段文字加引号"),
    ("did not find expected key", "缩进不一致，或缺少“键: ”"),
    ("did not find expected '-'", "列表的缩进不一致：同一列表的各项“- ”须对齐"),
    ("expected <block end>", "缩进不一致：同一层级的键须对齐"),
    ("found undefined alias", "引用了未定义的锚点（*名称）"),
    ("found unexpected end of stream", "引号没有闭合"),
    ("found unknown escape character", "双引号中的反斜杠 \\ 不是有效的转义，请改用单引号"),
    (
        "expected alphabetic or numeric character",
        "锚点或引用（& 或 *）后缺少名称；作为文字时请加引号",
    ),
    ("found duplicate anchor", "锚点名称重复"),
    ("expected node content", "此处缺少内容：检查括号是否成对、列表或键值表是否写完"),
    ("expected the node content", "此处缺少内容：检查括号是否成对、列表或键值表是否写完"),
)


class ContentLoader(_BaseLoader):
    """A safe YAML loader (libyaml when available) that refuses a key written twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build a mapping, refusing a key that appears twice."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: let the base class report it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key: {key}", key_node.start_mark
                )
        return super().construct_mapping(node, deep=deep)


def _character_at(text: str, mark: Any) -> str:
    lines = text.splitlines()
    if mark is None or mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return ""
    return lines[mark.line][mark.column]


def _reason(error: yaml.YAMLError, text: str) -> str:
    problem = str(getattr(error, "problem", None) or error)
    mark = getattr(error, "problem_mark", None)
    if "cannot start any token" in problem and _character_at(text, mark) == "\t":
        return "不能用 Tab 缩进或对齐，请改用空格"
    if problem.startswith("duplicate key: "):
        return f"键 {problem.removeprefix('duplicate key: ')} 重复出现，每个键只能写一次"
    if "unhashable" in problem:
        return "键不能是列表或键值表"
    for start, reason in _REASONS:
        if start in problem:
            return reason
    return f"无法解析（{problem}）"


def yaml_problem(
    error: yaml.YAMLError, text: str, file: str, entry: str = "", first_line: int = 1
) -> Problem:
    """The problem a YAML error is, with its line and column in the file (first line = 1)."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    where = ""
    if mark is not None:
        where = f"第 {mark.line + first_line} 行第 {mark.column + 1} 列："
    opened = getattr(error, "context_mark", None)
    since = ""
    if opened is not None and mark is not None and opened.line != mark.line:
        since = f"（始于第 {opened.line + first_line} 行第 {opened.column + 1} 列）"
    return Problem(file, entry, "YAML", f"YAML 格式错误：{where}{_reason(error, text)}{since}")


def hint_problem(hint: Hint, file: str, entry: str = "", rule: str = "YAML") -> Problem:
    """A hint found in the file's lines, as a problem that names its line and column."""
    return Problem(file, entry, rule, f"YAML 格式错误：{hint.where()}：{hint.message}")


def full_width_problems(
    text: str, file: str, entry: str = "", first_line: int = 1
) -> list[Problem]:
    """One problem per line that uses full-width punctuation where YAML needs half-width."""
    return [
        hint_problem(hint, file, entry, "全角标点") for hint in full_width_hints(text, first_line)
    ]


def _syntax_problems(
    error: yaml.YAMLError, text: str, file: str, entry: str, first_line: int
) -> list[Problem]:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    failed_at = mark.line + first_line if mark is not None else first_line + text.count("\n")
    before = [
        hint_problem(hint, file, entry, "全角标点")
        for hint in full_width_hints(text, first_line)
        if hint.line <= failed_at
    ]
    if before:
        return before
    quote = unclosed_quote(text, first_line)
    if quote is not None and quote.line <= failed_at:
        return [hint_problem(quote, file, entry)]
    return [yaml_problem(error, text, file, entry, first_line)]


def parse_yaml(
    text: str, file: str, entry: str = "", first_line: int = 1
) -> tuple[Any, list[Problem]]:
    """Parse YAML text; a syntax error becomes a problem naming its cause's line and column."""
    try:
        return yaml.load(text, Loader=ContentLoader), []  # a SafeLoader subclass
    except yaml.YAMLError as error:
        return None, _syntax_problems(error, text, file, entry, first_line)
    except (ValueError, TypeError, OverflowError) as error:  # e.g. a date like 2026-02-30
        dates = impossible_dates(text, first_line)
        if dates:
            return None, [hint_problem(hint, file, entry, "日期") for hint in dates]
        return None, [Problem(file, entry, "YAML", f"YAML 格式错误：无法读取的取值（{error}）")]
