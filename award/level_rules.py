"""Award levels from the candidate lists to the city's approval: marked, scored, never raised."""

from __future__ import annotations

from collections.abc import Iterator

from award.categories import LEVEL_RANK, Category, level_allowed
from award.guide_quotes import APPROVAL, CANDIDATES, quoted
from award.lists import entrants_by_id
from award.models import ListEntry, YearFile
from award.problems import Problem, display_path
from award.stages import CANDIDATE_THRESHOLDS, LEVELLED_STAGES, Stage

#: Lists whose levels must stay within what the lists before them gave.
LATER_LEVELLED: tuple[Stage, ...] = (Stage.PUBLICITY, Stage.APPROVAL)


def check_entry_level(
    file: str, at: str, stage: Stage, entry: ListEntry, category: Category
) -> Iterator[Problem]:
    """A list entry carries a level exactly where the stage has levels, one its category awards."""
    if stage not in LEVELLED_STAGES:
        if entry.level is not None or entry.repeat:
            yield Problem(file, at, "等次", f"{stage.list_label}不标注等次（level/repeat）")
        return
    if entry.level is None:
        yield Problem(
            file, at, "等次", f"{stage.list_label}须标注等次 level（gold/silver/bronze/special）"
        )
        return
    if not level_allowed(category, entry.level):
        yield Problem(file, at, "等次", f"{category.label}不设{entry.level.label}")
    threshold = CANDIDATE_THRESHOLDS.get(entry.level)
    if threshold is not None and entry.score is not None and entry.score < threshold:
        yield Problem(
            file,
            at,
            "候选等次分数线",
            f"{entry.level.label}候选须不低于标准总分 {threshold:g}%，该主体为 {entry.score:g}%。"
            f"{quoted(CANDIDATES)}",
        )


def check_candidate_scores(item: YearFile) -> Iterator[Problem]:
    """Every gold, silver or bronze candidate carries its score: the level rests on it."""
    file = display_path(item.path)
    for index, entry in enumerate(item.data.stages.get(Stage.COMMITTEE, []), start=1):
        if entry.level in LEVEL_RANK and entry.score is None:
            yield Problem(
                file,
                f"stages.committee[{index}]（{entry.entrant}）",
                "候选名单须有评分",
                f"{entry.level.label}候选须写明评分 score（占标准总分的百分比），"
                f"等次按评分确定。{quoted(CANDIDATES)}",
            )


def check_levels_through_approval(item: YearFile) -> Iterator[Problem]:
    """No level on the publicity or approval list above the candidate level (whose score met it)."""
    file = display_path(item.path)
    year = item.data
    by_id = entrants_by_id(year)
    before: dict[Stage, dict[str, ListEntry]] = {}
    for stage in (Stage.COMMITTEE, *LATER_LEVELLED):
        entries = year.stages.get(stage, [])
        if stage in LATER_LEVELLED:
            for index, entry in enumerate(entries, start=1):
                entrant = by_id.get(entry.entrant)
                if entrant is None or entry.level not in LEVEL_RANK:
                    continue
                at = f"stages.{stage.value}[{index}]（{entry.entrant}）"
                yield from _raised(file, at, stage, entry, entrant.display_name, before)
        before[stage] = {}
        for entry in entries:
            before[stage].setdefault(entry.entrant, entry)


def _raised(
    file: str,
    at: str,
    stage: Stage,
    entry: ListEntry,
    name: str,
    before: dict[Stage, dict[str, ListEntry]],
) -> Iterator[Problem]:
    assert entry.level is not None
    level = entry.level
    candidate = before.get(Stage.COMMITTEE, {}).get(entry.entrant)
    if candidate is not None and candidate.level is not None:
        shown = f"{stage.list_label}中为{level.label}"
        if LEVEL_RANK.get(candidate.level, 0) < LEVEL_RANK[level]:
            yield Problem(
                file,
                at,
                "等次不高于候选等次",
                f"{name} 在{shown}，但候选名单中为{_level_and_score(candidate)}："
                f"等次不能高于候选等次。{quoted(CANDIDATES)}",
            )
    proposed = before.get(Stage.PUBLICITY, {}).get(entry.entrant)
    if (
        stage is Stage.APPROVAL
        and proposed is not None
        and proposed.level is not None
        and LEVEL_RANK.get(proposed.level, 0) < LEVEL_RANK[level]
    ):
        yield Problem(
            file,
            at,
            "等次不高于拟奖等次",
            f"{name} 在{stage.list_label}中为{level.label}，但公示的拟奖名单中为"
            f"{proposed.level.label}：审定的等次不能高于公示的等次。{quoted(APPROVAL)}",
        )


def _level_and_score(entry: ListEntry) -> str:
    assert entry.level is not None
    score = f"（评分 {entry.score:g}%）" if entry.score is not None else ""
    return f"{entry.level.label}{score}"
