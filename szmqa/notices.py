"""Scaffolding a new notice file with its window computed in working days."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml

from award.calendar import default_calendar
from award.content import NOTICES_FOLDER
from award.errors import AwardError
from award.models import NoticeKind
from award.stages import MIN_WINDOW_WORKING_DAYS, Stage

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,60}$")


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
) -> Path:
    """Write ``docs/notices/<date>-<slug>.md`` and return its path; refuse to overwrite."""
    if not SLUG.match(slug):
        raise AwardError(f"slug“{slug}”只能由小写字母、数字和 - 组成")
    path = docs / NOTICES_FOLDER / f"{published.isoformat()}-{slug}.md"
    if path.exists():
        raise AwardError(f"{path} 已存在，未覆盖")
    meta: dict[str, object] = {"title": title, "date": published, "kind": kind.value}
    if year is not None:
        meta["year"] = year
    if stage is not None:
        meta["stage"] = stage.value
    if kind is NoticeKind.PUBLICITY:
        days = working_days or MIN_WINDOW_WORKING_DAYS
        first = start or published
        last = default_calendar().add_working_days(first, days)
        meta["window"] = {"start": first, "end": last}
        meta["objections"] = objections
    body = "（在此填写通知正文。）\n"
    header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{header}---\n\n{body}", encoding="utf-8")
    return path
