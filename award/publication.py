"""What is public on a day: each notice from its date, each stage list from the notice that
publishes it (or the day the year file gives for it), nothing before.

A stage list written in a year file is held back until the first of:

- the date of a notice with ``year`` and ``stage`` naming it (only its ``category`` when the
  notice names one), or
- the day given for the stage under the year file's ``published``.

A list with neither is never public. The site build renders ``public_content`` only, so a list
written ahead of its notice is absent from every built file until the first build on or after
its day (the scheduled daily publish); an entrant on no public list is absent altogether.
``held_back`` says what waits, for ``szmqa check`` and the git hook; the vote service asks
``notice_is_public`` and ``ballot_is_public`` before it shows a notice's list or a ballot.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from award.categories import Category
from award.lists import entrants_by_id
from award.models import AwardYear, Ballot, Content, Notice, YearFile
from award.moments import SHANGHAI, to_moment
from award.problems import Problem, display_path
from award.stages import STAGE_ORDER, Stage

__all__ = [
    "HELD_HEADING",
    "Release",
    "ballot_is_public",
    "held_back",
    "list_release_day",
    "notice_is_public",
    "public_content",
    "public_state",
    "public_year",
    "publication_problems",
    "releases",
]


#: The heading above ``held_back``'s lines, wherever they are shown.
HELD_HEADING = "尚未公开（到日期后由当天的第一次发布上线；“不公开”的名单永不上线）："


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a notice is unhashable
class Release:
    """One way a stage list (or one category of it) comes out: a notice, or a day in the year file."""

    stage: Stage
    #: None: every category of the list.
    category: Category | None
    day: date
    #: None: the day comes from the year file's ``published``.
    notice: Notice | None

    def source(self) -> str:
        """Where the day comes from, in words."""
        if self.notice is None:
            return "年度文件 published 中的日期"
        return f"通知 {self.notice.path.name}"


def releases(content: Content, year: AwardYear) -> list[Release]:
    """Every release of the year's lists: its notices (whatever their date) and its explicit days."""
    found = [Release(stage, None, day, None) for stage, day in year.published.items()]
    for notice in content.notices:
        meta = notice.meta
        if meta.stage is not None and meta.year == year.year and meta.demo == year.demo:
            found.append(Release(meta.stage, meta.category, meta.date, notice))
    return sorted(found, key=lambda release: release.day)


def first_release(found: list[Release], stage: Stage, category: Category) -> Release | None:
    """The earliest release that brings out the stage's list for a category."""
    return next(
        (r for r in found if r.stage is stage and r.category in (None, category)),
        None,
    )


def list_release_day(
    content: Content, year: AwardYear, stage: Stage, category: Category
) -> date | None:
    """The day a stage's list comes out for a category, or None if nothing ever publishes it."""
    release = first_release(releases(content, year), stage, category)
    return release.day if release else None


def notice_is_public(notice: Notice, day: date) -> bool:
    """Whether a notice is out on a day (from its date on)."""
    return notice.meta.date <= day


def public_year(content: Content, year: AwardYear, day: date) -> AwardYear:
    """The year as public on a day: released lists only, entrants on them only, their ballots."""
    found = releases(content, year)
    released = frozenset(
        (stage, category)
        for stage in Stage
        for category in Category
        if (release := first_release(found, stage, category)) is not None and release.day <= day
    )
    by_id = entrants_by_id(year)
    stages = {}
    for stage, entries in year.stages.items():
        kept = [
            entry
            for entry in entries
            if entry.entrant in by_id and (stage, by_id[entry.entrant].category) in released
        ]
        if kept:
            stages[stage] = kept
    listed = {entry.entrant for entries in stages.values() for entry in entries}
    public = year.model_copy(
        update={
            "stages": stages,
            "entrants": [e for e in year.entrants if e.id in listed],
            "ballots": [
                b for b in year.ballots if (Stage.SOCIAL_EVALUATION, b.category) in released
            ],
            "published": {},
        }
    )
    public._released = released
    return public


def ballot_is_public(content: Content, year: AwardYear, ballot: Ballot, day: date) -> bool:
    """Whether a ballot (its candidates: the category's social-evaluation list) is out on a day."""
    release = list_release_day(content, year, Stage.SOCIAL_EVALUATION, ballot.category)
    return release is not None and release <= day


def public_content(content: Content, day: date) -> Content:
    """The content as public on a day: what the site shows, and all it shows."""
    return Content(
        years=tuple(
            YearFile(path=item.path, data=public_year(content, item.data, day))
            for item in content.years
        ),
        notices=tuple(n for n in content.notices if notice_is_public(n, day)),
        unreadable_years=content.unreadable_years,
    )


@dataclass(frozen=True)
class HeldList:
    """A stage list (or some categories of it) not public on a day."""

    name: str
    #: None: never (no notice publishes it and the year file gives no day).
    release: Release | None
    file: str


def _held_lists(content: Content, item: YearFile, day: date) -> Iterator[HeldList]:
    year = item.data
    found = releases(content, year)
    by_id = entrants_by_id(year)
    for stage in STAGE_ORDER:
        categories = sorted(
            {by_id[e.entrant].category for e in year.stages.get(stage, []) if e.entrant in by_id},
            key=list(Category).index,
        )
        waiting: dict[Release | None, list[Category]] = {}
        for category in categories:
            release = first_release(found, stage, category)
            if release is None or release.day > day:
                waiting.setdefault(release, []).append(category)
        for release, held in waiting.items():
            which = "" if held == categories else "、".join(c.label for c in held)
            yield HeldList(
                f"{year.year}年度{which}{stage.label}名单", release, display_path(item.path)
            )


def held_back(content: Content, day: date) -> list[str]:
    """What is written but not public on a day, one line each, by date: notices and lists."""
    lists = [held for item in content.years for held in _held_lists(content, item, day)]
    dated: list[tuple[date, str]] = []
    for notice in content.notices:
        if notice_is_public(notice, day):
            continue
        names = [h.name for h in lists if h.release is not None and h.release.notice is notice]
        also = f"，随之公开：{'、'.join(names)}" if names else ""
        line = f"{notice.meta.date.isoformat()} 起发布：通知“{notice.meta.title}”（{notice.path.name}）"
        dated.append((notice.meta.date, line + also))
    for held in lists:
        if held.release is not None and held.release.notice is None:
            line = f"{held.release.day.isoformat()} 起公开：{held.name}（{held.release.source()}）"
            dated.append((held.release.day, line))
    never = [
        f"不公开：{held.name}没有公布它的通知，年度文件 published 中也没有它的日期（{held.file}）"
        for held in lists
        if held.release is None
    ]
    return [line for _, line in sorted(dated)] + never


def publication_problems(content: Content) -> Iterator[Problem]:
    """A ballot may open only once its candidates (the social-evaluation list) are public."""
    for item in content.years:
        for index, ballot in enumerate(item.data.ballots, start=1):
            day = list_release_day(content, item.data, Stage.SOCIAL_EVALUATION, ballot.category)
            name = f"{ballot.category.label}社会评价名单"
            if day is None:
                message = (
                    f"投票的候选对象是{name}，但没有公布它的通知（stage: social_evaluation），"
                    "年度文件 published 中也没有它的日期：投票开始前须公布候选名单"
                )
            elif to_moment(day) > ballot.opens:
                message = (
                    f"投票 {ballot.opens:%Y-%m-%d %H:%M} 开始，候选名单（{name}）"
                    f"却到 {day.isoformat()} 才公布：投票开始前须公布候选名单"
                )
            else:
                continue
            yield Problem(
                display_path(item.path),
                f"ballots[{index}]（{ballot.id}）",
                "投票前公布候选名单",
                message,
            )


def public_state(content: Content, now: datetime) -> str:
    """What a build at ``now`` shows besides its sources, as text: equal texts, equal sites.

    The notices out, the lists out (per category), and the state of every public window
    (the home page and banner sort windows by it).
    """
    day = now.astimezone(SHANGHAI).date()
    public = public_content(content, day)
    lines = []
    for notice in public.notices:
        state = f" {notice.window.state(now).value}" if notice.window is not None else ""
        lines.append(f"notice {notice.id}{state}")
    for item in public.years:
        released = sorted(f"{s.value}/{c.value}" for s, c in item.data.released or ())
        lines.append(f"year {item.data.slug} {' '.join(released)}")
        lines += [f"ballot {b.id} {b.window.state(now).value}" for b in item.data.ballots]
    return "\n".join(lines)
