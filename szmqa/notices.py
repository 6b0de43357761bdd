"""Scaffolding a new notice file with its window computed in working days."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from award.calendar import default_calendar
from award.categories import Category
from award.content import NOTICES_FOLDER
from award.errors import AwardError
from award.models import NoticeKind
from award.stages import MIN_WINDOW_WORKING_DAYS, Stage
from award.yaml_text import dump_yaml

SLUG_EXAMPLE = "如 publicity、defence-list"


def slug_problem(slug: str) -> str | None:
    """Why a slug cannot name a notice file, or None if it can."""
    if len(slug) < 2:
        return f"slug“{slug}”太短：至少 2 个字符，{SLUG_EXAMPLE}"
    if len(slug) > 61:
        return f"slug 太长：{len(slug)} 个字符，最多 61 个"
    if slug.startswith("-"):
        return f"slug“{slug}”不能以 - 开头"
    if slug.startswith("demo"):
        return f"slug“{slug}”不能以 demo 开头：demo- 留给演示数据"
    upper = sorted({c for c in slug if "A" <= c <= "Z"})
    if upper:
        return f"slug“{slug}”含大写字母 {''.join(upper)}：请改为小写，{SLUG_EXAMPLE}"
    others = sorted({c for c in slug if not ("a" <= c <= "z" or "0" <= c <= "9" or c == "-")})
    if others:
        shown = "、".join("空格" if c == " " else f"“{c}”" for c in others)
        return (
            f"slug“{slug}”含不允许的字符 {shown}：只能用小写英文字母、数字和 -"
            f"（中文写在标题中），{SLUG_EXAMPLE}"
        )
    return None


def new_notice(
    docs: Path,
    *,
    title: str,
    published: date,
    slug: str,
    kind: NoticeKind = NoticeKind.ANNOUNCEMENT,
    year: int | None = None,
    stage: Stage | None = None,
    start: date | None = None,
    working_days: int | None = None,
    objections: bool = False,
    category: Category | None = None,
    ballots: tuple[str, ...] = (),
) -> Path:
    """Write ``docs/notices/<date>-<slug>.md`` and return its path; refuse to overwrite."""
    problem = slug_problem(slug)
    if problem:
        raise AwardError(problem)
    if working_days is not None and working_days < MIN_WINDOW_WORKING_DAYS:
        raise AwardError(
            f"公示期 {working_days} 个工作日太短：公示不少于 {MIN_WINDOW_WORKING_DAYS} 个工作日"
        )
    if (stage is not None or ballots or category is not None) and year is None:
        raise AwardError("公布名单或投票的通知须用 --year 写明年度")
    path = docs / NOTICES_FOLDER / f"{published.isoformat()}-{slug}.md"
    if path.exists():
        raise AwardError(f"{path} 已存在，未覆盖")
    meta: dict[str, object] = {"title": title, "date": published, "kind": kind.value}
    if year is not None:
        meta["year"] = year
    if stage is not None:
        meta["stage"] = stage.value
    if category is not None:
        meta["category"] = category.value
    if ballots:
        meta["ballots"] = list(ballots)
    if kind is NoticeKind.PUBLICITY:
        days = working_days or MIN_WINDOW_WORKING_DAYS
        first = start or published
        last = default_calendar().add_working_days(first, days)
        meta["window"] = {"start": first, "end": last}
        meta["objections"] = objections
    body = "（在此填写通知正文。）\n"
    header = dump_yaml(meta)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{header}---\n\n{body}", encoding="utf-8")
    return path
