"""Load the award-year files and notices from content folders, and check them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from pydantic import ValidationError

from award.calendar import calendar_for
from award.errors import AwardError
from award.models import AwardYear, Content, Notice, NoticeMeta, YearFile
from award.moments import to_moment
from award.problems import ContentError, Problem, display_path
from award.rules import check_content
from award.text_files import read_text
from award.validation import problems_from_validation
from award.windows import Window
from award.yaml_text import full_width_problems, parse_yaml

__all__ = ["NOTICES_FOLDER", "YEARS_FOLDER", "Content", "load_content", "load_notice", "load_year"]

YEARS_FOLDER = "awards"
NOTICES_FOLDER = "notices"
NOTICE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,80}$")
NOTICE_ID_RULE = (
    "文件名只能由小写字母、数字和 - 组成，以字母或数字开头，不含 .md 为 3 至 81 个字符，"
    "如 2026-11-20-publicity.md"
)
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)


def _read(path: Path) -> tuple[str | None, list[Problem]]:
    try:
        return read_text(path), []
    except UnicodeDecodeError:
        return None, [Problem(display_path(path), "", "编码", "文件须为 UTF-8 编码")]


def load_year(path: Path) -> tuple[YearFile | None, list[Problem]]:
    """Load one award-year file."""
    file = display_path(path)
    text, problems = _read(path)
    if text is None:
        return None, problems
    data, problems = parse_yaml(text, file)
    if problems:
        return None, problems
    hints = full_width_problems(text, file)
    if not isinstance(data, dict):
        rule = "年度文件应为键值表（year、entrants、stages…）"
        return None, hints or [Problem(file, "", "格式", rule)]
    try:
        year = AwardYear.model_validate(data)
    except ValidationError as error:
        return None, hints + list(problems_from_validation(error, data, file, text=text))
    if path.stem != str(year.year):
        return None, [Problem(file, "year", "格式", f"文件名应为 {year.year}.yml，与 year 一致")]
    return YearFile(path=path, data=year), []


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Split a Markdown page into its YAML front matter (if any) and its body."""
    match = FRONT_MATTER.match(text)
    if not match:
        return None, text
    return match.group(1), text[match.end() :]


def resolve_window(meta: NoticeMeta) -> Window | None:
    """A notice's window, with an end computed from working days where so written."""
    if meta.window is None:
        return None
    end = meta.window.end
    if end is None:
        assert meta.window.working_days is not None
        last = calendar_for(meta.demo).add_working_days(
            meta.window.start.date(), meta.window.working_days
        )
        end = to_moment(last + timedelta(days=1))
    return Window(start=meta.window.start, end=end, provisional=meta.demo)


def load_notice(path: Path) -> tuple[Notice | None, list[Problem]]:
    """Load one notice page and its front matter."""
    file = display_path(path)
    if not NOTICE_ID.match(path.stem):
        return None, [Problem(file, "", "文件名", NOTICE_ID_RULE)]
    text, problems = _read(path)
    if text is None:
        return None, problems
    header, body = split_front_matter(text)
    if header is None:
        return None, [
            Problem(file, "", "格式", "通知须以 --- 包围的 YAML 头信息开始（title、date…）")
        ]
    data, problems = parse_yaml(header, file, "头信息", first_line=2)
    if problems:
        return None, problems
    hints = full_width_problems(header, file, "头信息", first_line=2)
    if not isinstance(data, dict):
        return None, hints or [Problem(file, "头信息", "格式", "头信息应为键值表")]
    try:
        meta = NoticeMeta.model_validate(data)
        window = resolve_window(meta)
    except ValidationError as error:
        found = problems_from_validation(error, data, file, text=header, first_line=2)
        return None, hints + list(found)
    except AwardError as error:
        return None, [Problem(file, "window", "工作日", str(error))]
    return Notice(id=path.stem, path=path, meta=meta, body=body, window=window), []


def discover(roots: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """The award-year files and notice pages under the content folders."""
    years: list[Path] = []
    notices: list[Path] = []
    for root in roots:
        years += sorted((root / YEARS_FOLDER).glob("*.yml"))
        notices += sorted(p for p in (root / NOTICES_FOLDER).glob("*.md") if p.name != "index.md")
    return years, notices


def load_content(roots: Sequence[Path], *, check: bool = True, allow_demo: bool = True) -> Content:
    """Load and (by default) check all content; raise ContentError listing every problem."""
    year_paths, notice_paths = discover(roots)
    problems: list[Problem] = []
    years: list[YearFile] = []
    notices: list[Notice] = []
    unreadable: set[int] = set()
    for path in year_paths:
        item, found = load_year(path)
        problems += found
        if item is not None:
            years.append(item)
        elif path.stem.isdigit():
            unreadable.add(int(path.stem))
    for path in notice_paths:
        notice, found = load_notice(path)
        problems += found
        if notice is not None:
            notices.append(notice)
    notices.sort(key=lambda n: (n.meta.date, n.id), reverse=True)
    content = Content(
        years=tuple(years), notices=tuple(notices), unreadable_years=frozenset(unreadable)
    )
    if check:
        problems += check_content(content, allow_demo=allow_demo)
    if problems:
        raise ContentError(problems)
    return content
