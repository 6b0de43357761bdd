"""The rules of what the secretariat publishes: ballots and notices, their ids and windows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from award.errors import AwardError
from award.lists import ballot_candidates, stage_entries
from award.models import DEMO_PREFIX, Content, Notice, NoticeKind
from award.problems import Problem, display_path
from award.stages import MIN_WINDOW_WORKING_DAYS, Stage


def check_ballots(content: Content) -> Iterator[Problem]:
    """Each ballot: unique id, one per category, candidates on the list, at least 5 working days."""
    seen: Counter[str] = Counter(ballot.id for _, ballot in content.ballots())
    for item in content.years:
        file = display_path(item.path)
        per_category = Counter(b.category for b in item.data.ballots)
        for index, ballot in enumerate(item.data.ballots, start=1):
            where = f"ballots[{index}]（{ballot.id}）"
            if seen[ballot.id] > 1:
                yield Problem(file, where, "投票编号唯一", f"投票编号 {ballot.id} 重复")
            if ballot.id.startswith(DEMO_PREFIX) != item.data.demo:
                yield Problem(file, where, DEMO_ID_RULE, _demo_id_message("投票编号", ballot.id))
            if per_category[ballot.category] > 1:
                yield Problem(
                    file, where, "每类别一次投票", f"{ballot.category.label}有多于一个投票"
                )
            candidates = ballot_candidates(item.data, ballot)
            if not candidates:
                yield Problem(
                    file,
                    where,
                    "投票候选须来自社会评价名单",
                    f"{ballot.category.label}社会评价名单为空，无可投票对象",
                )
            elif ballot.max_choices > len(candidates):
                yield Problem(
                    file,
                    where,
                    "可选数量",
                    f"每票最多选 {ballot.max_choices} 个，但候选只有 {len(candidates)} 个",
                )
            yield from _window_problems(file, where, "社会评价", ballot.window)


DEMO_ID_RULE = "演示数据与正式数据互不混用"


def _demo_id_message(what: str, name: str) -> str:
    if name.startswith(DEMO_PREFIX):
        return (
            f"{what} {name} 以 {DEMO_PREFIX} 开头：{DEMO_PREFIX} 只用于演示数据，正式数据请另取名称"
        )
    return f"演示数据的{what}须以 {DEMO_PREFIX} 开头（{name}），以免与正式数据重名"


def _window_problems(file: str, where: str, label: str, window) -> Iterator[Problem]:
    try:
        days = window.working_days()
    except AwardError as error:
        yield Problem(file, where, "工作日", str(error))
        return
    if days < MIN_WINDOW_WORKING_DAYS:
        yield Problem(
            file,
            where,
            f"{label}不少于{MIN_WINDOW_WORKING_DAYS}个工作日",
            f"{window.span_text()} 只有 {days} 个工作日，{label}时间不少于 {MIN_WINDOW_WORKING_DAYS} 个工作日",
        )


def check_notice(content: Content, notice: Notice, *, allow_demo: bool) -> Iterator[Problem]:
    """A notice names an existing year and list, and a publicity runs at least 5 working days."""
    file = display_path(notice.path)
    meta = notice.meta
    if meta.demo and not allow_demo:
        yield Problem(file, "demo", "演示数据不进入正式站点", "演示通知不能发布到正式站点")
    if notice.id.startswith(DEMO_PREFIX) != meta.demo:
        yield Problem(file, "demo", DEMO_ID_RULE, _demo_id_message("通知文件名", notice.id))
    if meta.year is not None:
        year = content.year_of(notice)
        if year is None and meta.year in content.unreadable_years:
            pass  # the year file's own problems are reported; its notices add nothing
        elif year is None:
            yield Problem(
                file,
                "year",
                "年度文件",
                f"没有 {meta.year} 年度的数据文件（awards/{meta.year}.yml）",
            )
        else:
            if meta.stage is not None and not stage_entries(year.data, meta.stage, meta.category):
                yield Problem(
                    file,
                    "stage",
                    "公布的名单",
                    f"{meta.year} 年度{meta.stage.label}名单为空或不存在",
                )
            known = {b.id for b in year.data.ballots}
            for ballot_id in meta.ballots:
                if ballot_id not in known:
                    yield Problem(
                        file,
                        "ballots",
                        "投票编号",
                        f"{meta.year} 年度没有编号为 {ballot_id} 的投票",
                    )
    if meta.objections and meta.stage is not Stage.PUBLICITY:
        yield Problem(
            file, "objections", "异议", "开放异议的公示须公布拟奖名单（stage: publicity）"
        )
    if meta.kind is NoticeKind.PUBLICITY and notice.window is not None:
        yield from _window_problems(file, "window", "公示", notice.window)
