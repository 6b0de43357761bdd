"""The award's rules, each a function that yields the problems it finds in the content."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterator

from award.categories import (
    ACCEPTED_KINDS,
    GOLD_REAPPLY_YEARS,
    QUOTAS,
    TOTAL_QUOTA,
    Category,
    EntryKind,
    Level,
    category_quota,
    level_allowed,
)
from award.identifiers import credit_code_problem
from award.lists import entrants_by_id, stage_entries
from award.models import Content, YearFile
from award.problems import Problem, display_path
from award.publication_rules import check_ballots, check_notice
from award.stages import (
    CANDIDATE_THRESHOLDS,
    FLOOR_STAGES,
    LEVELLED_STAGES,
    QUOTA_STAGES,
    RATIO_LIMITS,
    SHORTLIST_SCORE_FLOOR,
    STAGE_ORDER,
    Stage,
)


def check_entrants(item: YearFile) -> Iterator[Problem]:
    """Ids and credit codes unique, codes valid, kinds allowed, one entrant per group business."""
    file = display_path(item.path)
    year = item.data
    ids = Counter(e.id for e in year.entrants)
    codes = Counter(e.credit_code for e in year.entrants)
    group_lines: dict[tuple[str, str], list[str]] = defaultdict(list)
    for index, entrant in enumerate(year.entrants, start=1):
        where = f"entrants[{index}]（{entrant.id}）"
        if ids[entrant.id] > 1:
            yield Problem(
                file, where, "编号唯一", f"编号 {entrant.id} 重复出现 {ids[entrant.id]} 次"
            )
        if codes[entrant.credit_code] > 1:
            yield Problem(
                file,
                where,
                "一个主体只申报一个类别",
                f"统一社会信用代码 {entrant.credit_code} 出现 {codes[entrant.credit_code]} 次："
                "同一申报主体只允许申报一个类别的一个奖项",
            )
        problem = credit_code_problem(entrant.credit_code)
        if problem:
            yield Problem(file, f"{where}.credit_code", "统一社会信用代码校验", problem)
        if entrant.kind not in ACCEPTED_KINDS[entrant.category]:
            yield Problem(
                file,
                where,
                "经济类只接受组织申报",
                f"{entrant.category.label}不接受{entrant.kind.label}申报",
            )
        if entrant.kind is EntryKind.PROJECT and not entrant.project:
            yield Problem(file, where, "项目奖须有项目名称", "项目申报须填写 project（项目名称）")
        if entrant.kind is EntryKind.ORGANISATION and entrant.project:
            yield Problem(file, where, "组织奖无项目名称", "组织申报不应填写 project")
        if entrant.group and entrant.business:
            group_lines[(entrant.group, entrant.business)].append(entrant.id)
        yield from _check_past_awards(file, where, year.year, entrant.past_awards)
    for (group, business), members in group_lines.items():
        if len(members) > 1:
            yield Problem(
                file,
                "entrants（" + "、".join(members) + "）",
                "同一集团同类业务限一家",
                f"{group}下业务相同或相似（{business}）的申报单位有 {len(members)} 家，不得超过一家",
            )


def _check_past_awards(file: str, where: str, year: int, past: tuple) -> Iterator[Problem]:
    for award in past:
        if award.year >= year:
            yield Problem(
                file, f"{where}.past_awards", "往年获奖", f"往年获奖年度 {award.year} 应早于 {year}"
            )
        elif award.level is Level.GOLD and year - award.year < GOLD_REAPPLY_YEARS:
            yield Problem(
                file,
                where,
                "金奖3年后方可再次申请",
                f"{award.year} 年获金奖，自获奖年度起 {GOLD_REAPPLY_YEARS} 年后"
                f"（{award.year + GOLD_REAPPLY_YEARS} 年起）方可再次申请",
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
                    file, at, "名单不重复", f"{entrant.display_name} 在{stage.label}名单中重复出现"
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
            yield from _check_entry_level(file, at, stage, entry, entrant.category)
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


def _check_entry_level(
    file: str, at: str, stage: Stage, entry, category: Category
) -> Iterator[Problem]:
    if stage not in LEVELLED_STAGES:
        if entry.level is not None or entry.repeat:
            yield Problem(file, at, "等次", f"{stage.label}名单不标注等次（level/repeat）")
        return
    if entry.level is None:
        yield Problem(
            file, at, "等次", f"{stage.label}名单须标注等次 level（gold/silver/bronze/special）"
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
            f"{entry.level.label}候选须不低于标准总分 {threshold:g}%，该主体为 {entry.score:g}%",
        )


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
                    f"请在 evaluation 中写 {entrant.category.value}: site_check 或 social_evaluation",
                )
            if assigned is not None and assigned is not stage:
                yield Problem(
                    file,
                    at,
                    "现场核查或社会评价按类别确定",
                    f"{entrant.category.label}本年度进行{assigned.label}（evaluation），"
                    f"{entrant.display_name} 不应列入{stage.label}名单",
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


def check_repeat_winners(item: YearFile) -> Iterator[Problem]:
    """A repeat winner of the same level is marked repeat (no quota); a mark needs a past award."""
    file = display_path(item.path)
    by_id = entrants_by_id(item.data)
    for stage in sorted(LEVELLED_STAGES, key=STAGE_ORDER.index):
        for index, entry in enumerate(item.data.stages.get(stage, []), start=1):
            entrant = by_id.get(entry.entrant)
            if entrant is None or entry.level is None or entry.level is Level.SPECIAL:
                continue
            at = f"stages.{stage.value}[{index}]（{entry.entrant}）"
            won_before = any(p.level is entry.level for p in entrant.past_awards)
            if won_before and not entry.repeat:
                yield Problem(
                    file,
                    at,
                    "再次获同等次奖不占名额",
                    f"{entrant.display_name} 曾获{entry.level.label}，再次获得应标注 repeat: true（不占名额、不授予奖金）",
                )
            if entry.repeat and not won_before:
                yield Problem(
                    file,
                    at,
                    "再次获同等次奖不占名额",
                    f"{entrant.display_name} 标注了 repeat，但 past_awards 中没有往年{entry.level.label}",
                )


def check_quotas(item: YearFile) -> Iterator[Problem]:
    """Quota-bearing awards per category and level within quota, and in all at most 21."""
    file = display_path(item.path)
    for stage in sorted(QUOTA_STAGES, key=STAGE_ORDER.index):
        if stage not in item.data.stages:
            continue
        counted = [
            (entry, entrant)
            for entry, entrant in stage_entries(item.data, stage)
            if entry.level is not None
            and entry.level is not Level.SPECIAL
            and not entry.repeat
            and level_allowed(entrant.category, entry.level)
        ]
        per_level = Counter(
            (entrant.category, level) for entry, entrant in counted if (level := entry.level)
        )
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


def check_content(content: Content, *, allow_demo: bool = True) -> list[Problem]:
    """Every rule over every year and notice."""
    problems: list[Problem] = []
    per_year = Counter((item.data.year, item.data.demo) for item in content.years)
    for item in content.years:
        if per_year[(item.data.year, item.data.demo)] > 1:
            problems.append(
                Problem(
                    display_path(item.path),
                    "year",
                    "每年一个年度文件",
                    f"{item.data.year} 年度有 {per_year[(item.data.year, item.data.demo)]} 个年度文件",
                )
            )
        if item.data.demo and not allow_demo:
            problems.append(
                Problem(
                    display_path(item.path),
                    "demo",
                    "演示数据不进入正式站点",
                    "演示年度数据不能发布到正式站点",
                )
            )
        for rule in (
            check_entrants,
            check_stage_lists,
            check_evaluation,
            check_repeat_winners,
            check_quotas,
            check_ratios,
        ):
            problems += rule(item)
    problems += check_ballots(content)
    for notice in content.notices:
        problems += check_notice(content, notice, allow_demo=allow_demo)
    return problems
