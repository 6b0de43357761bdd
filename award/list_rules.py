"""Rules about the stage lists: drawn from the stage before, by category, within ratio and quota."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator

from award.categories import QUOTAS, TOTAL_QUOTA, Category, Level, category_quota, level_allowed
from award.guide_quotes import BY_CATEGORY, quoted
from award.level_rules import check_entry_level
from award.lists import entrants_by_id, stage_entries
from award.models import YearFile
from award.problems import Problem, display_path
from award.stages import (
    FLOOR_STAGES,
    QUOTA_STAGES,
    RATIO_LIMITS,
    SHORTLIST_SCORE_FLOOR,
    STAGE_ORDER,
    Stage,
)


def check_stage_lists(item: YearFile) -> Iterator[Problem]:
    """Every list names known entrants once, is drawn from the previous stage, carries levels right."""
    file = display_path(item.path)
    year = item.data
    by_id = entrants_by_id(year)
    for stage in STAGE_ORDER:
        if stage not in year.stages:
            continue
        where = f"stages.{stage.value}"
        entries = year.stages[stage]
        counts = Counter(entry.entrant for entry in entries)
        allowed = _previous_members(item, stage)
        for index, entry in enumerate(entries, start=1):
            at = f"{where}[{index}]（{entry.entrant}）"
            entrant = by_id.get(entry.entrant)
            if entrant is None:
                yield Problem(
                    file,
                    at,
                    "名单须引用申报主体",
                    f"entrants 中没有编号为 {entry.entrant} 的申报主体",
                )
                continue
            if counts[entry.entrant] > 1:
                yield Problem(
                    file, at, "名单不重复", f"{entrant.display_name} 在{stage.list_label}中重复出现"
                )
            special = entry.level is Level.SPECIAL
            if allowed is not None and entry.entrant not in allowed and not special:
                previous = "或".join(s.label for s in stage.previous)
                yield Problem(
                    file,
                    at,
                    "名单须来自上一阶段",
                    f"{entrant.display_name} 不在上一阶段（{previous}）名单中",
                )
            yield from check_entry_level(file, at, stage, entry, entrant.category)
        if allowed is None:
            previous = "或".join(s.label for s in stage.previous)
            yield Problem(file, where, "名单须来自上一阶段", f"缺少上一阶段（{previous}）名单")
    both = {e.entrant for e in year.stages.get(Stage.SITE_CHECK, [])} & {
        e.entrant for e in year.stages.get(Stage.SOCIAL_EVALUATION, [])
    }
    for entrant_id in sorted(both):
        yield Problem(
            file,
            f"stages（{entrant_id}）",
            "现场核查或社会评价择一",
            f"{entrant_id} 同时列入现场核查和社会评价名单，按类别只进行其中之一",
        )


def _previous_members(item: YearFile, stage: Stage) -> set[str] | None:
    """Ids allowed on a stage's list; None if no previous list exists; every id for the first."""
    if not stage.previous:
        return {e.id for e in item.data.entrants}
    lists = [item.data.stages[s] for s in stage.previous if s in item.data.stages]
    if not lists:
        return None
    return {entry.entrant for entries in lists for entry in entries}


def check_evaluation(item: YearFile) -> Iterator[Problem]:
    """Each category on the site-check or social-evaluation list is assigned to that stage."""
    file = display_path(item.path)
    year = item.data
    unassigned: set[Category] = set()
    for stage in (Stage.SITE_CHECK, Stage.SOCIAL_EVALUATION):
        for index, (entry, entrant) in enumerate(stage_entries(year, stage), start=1):
            assigned = year.evaluation.get(entrant.category)
            at = f"stages.{stage.value}[{index}]（{entry.entrant}）"
            if assigned is None and entrant.category not in unassigned:
                unassigned.add(entrant.category)
                yield Problem(
                    file,
                    f"evaluation.{entrant.category.value}",
                    "现场核查或社会评价按类别确定",
                    f"{entrant.category.label}在集中答辩后进行现场核查还是社会评价未写明："
                    f"请在 evaluation 中写 {entrant.category.value}: site_check 或 social_evaluation。"
                    f"{quoted(BY_CATEGORY)}",
                )
            if assigned is not None and assigned is not stage:
                yield Problem(
                    file,
                    at,
                    "现场核查或社会评价按类别确定",
                    f"{entrant.category.label}本年度进行{assigned.label}（evaluation），"
                    f"{entrant.display_name} 不应列入{stage.list_label}。{quoted(BY_CATEGORY)}",
                )
    for index, ballot in enumerate(year.ballots, start=1):
        assigned = year.evaluation.get(ballot.category)
        if assigned is not None and assigned is not Stage.SOCIAL_EVALUATION:
            yield Problem(
                file,
                f"ballots[{index}]（{ballot.id}）",
                "现场核查或社会评价按类别确定",
                f"{ballot.category.label}本年度进行{assigned.label}，不设网络投票",
            )


def check_quotas(item: YearFile) -> Iterator[Problem]:
    """Quota-bearing awards per category and level within quota, and in all at most 21."""
    file = display_path(item.path)
    for stage in sorted(QUOTA_STAGES, key=STAGE_ORDER.index):
        if stage not in item.data.stages:
            continue
        counted = [
            (entrant.category, entry.level)
            for entry, entrant in stage_entries(item.data, stage)
            if entry.level is not None
            and entry.level is not Level.SPECIAL
            and not entry.repeat
            and level_allowed(entrant.category, entry.level)
        ]
        per_level = Counter(counted)
        for (category, level), count in sorted(per_level.items()):
            quota = QUOTAS[category].get(level, 0)
            if count > quota:
                yield Problem(
                    file,
                    f"stages.{stage.value}",
                    "名额",
                    f"{category.label}{level.label}列出 {count} 个，名额为 {quota} 个",
                )
        if len(counted) > TOTAL_QUOTA:
            yield Problem(
                file,
                f"stages.{stage.value}",
                "名额",
                f"占用名额的奖项共 {len(counted)} 个，年度总数不超过 {TOTAL_QUOTA} 名",
            )


def check_ratios(item: YearFile) -> Iterator[Problem]:
    """Defence ≤ 2 × quota; site check / social evaluation ≤ 1.5 × quota and above 50 %."""
    file = display_path(item.path)
    shortlist: Counter[Category] = Counter()
    for stage, ratio in RATIO_LIMITS.items():
        per_category = Counter(entrant.category for _, entrant in stage_entries(item.data, stage))
        if stage is Stage.DEFENCE:
            yield from _ratio_problems(
                file, f"stages.{stage.value}", stage.label, per_category, ratio
            )
        else:
            shortlist.update(per_category)
    yield from _ratio_problems(
        file,
        "stages.site_check/social_evaluation",
        "现场核查/社会评价",
        shortlist,
        RATIO_LIMITS[Stage.SITE_CHECK],
    )
    for stage in sorted(FLOOR_STAGES, key=STAGE_ORDER.index):
        for index, (entry, entrant) in enumerate(stage_entries(item.data, stage), start=1):
            if entry.score is not None and entry.score <= SHORTLIST_SCORE_FLOOR:
                yield Problem(
                    file,
                    f"stages.{stage.value}[{index}]（{entry.entrant}）",
                    "综合评分须超过总分50%",
                    f"{entrant.display_name} 综合评分 {entry.score:g}%，须超过标准总分 {SHORTLIST_SCORE_FLOOR:g}%",
                )


def _ratio_problems(
    file: str, where: str, label: str, per_category: Counter[Category], ratio: float
) -> Iterator[Problem]:
    for category, count in sorted(per_category.items()):
        limit = math.floor(ratio * category_quota(category))
        if count > limit:
            yield Problem(
                file,
                where,
                f"入围与授奖比例不超过 {ratio:g}:1",
                f"{category.label}{label}名单 {count} 个，超过 {ratio:g} × 授奖名额 "
                f"{category_quota(category)} = {limit} 个",
            )
