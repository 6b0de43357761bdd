"""Earlier awards of an applicant, by credit code: the site's own earlier year files and past_awards.

Two rules of the guide read them: a gold winner waits three years before applying again, and
a winner of the same level again takes no quota and no money (it is marked ``repeat``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from award.categories import GOLD_REAPPLY_YEARS, Level
from award.guide_quotes import GOLD_REAPPLY, SAME_LEVEL_AGAIN, quoted
from award.lists import entrants_by_id, stage_entries
from award.models import Content, Entrant, YearFile
from award.problems import Problem, display_path
from award.stages import LEVELLED_STAGES, STAGE_ORDER, Stage

#: How the site reads “自获奖年度起3年后方可再次申请”; the corrections page states it too.
GOLD_REAPPLY_READING = (
    f"本站的理解：获奖年度为第 N 年的，自第 N+{GOLD_REAPPLY_YEARS} 年度起方可再次申请"
    f"（例如 2023 年度获金奖的，可申请 {2023 + GOLD_REAPPLY_YEARS} 年度）"
)

#: Levels that the two rules concern (the special contribution award stands apart).
RANKED_LEVELS = (Level.GOLD, Level.SILVER, Level.BRONZE)


@dataclass(frozen=True)
class Win:
    """One earlier award of an applicant, and where the site read it."""

    year: int
    level: Level
    source: str


def gold_reapply_year(award_year: int) -> int:
    """The first award year a gold winner of ``award_year`` may apply for again."""
    return award_year + GOLD_REAPPLY_YEARS


WinsByCode = Mapping[str, tuple[Win, ...]]


def recorded_wins(content: Content, demo: bool) -> WinsByCode:
    """Every gold, silver and bronze award on an approval list (市政府审定) of the content's years."""
    found: dict[str, list[Win]] = defaultdict(list)
    for item in content.years:
        if item.data.demo is not demo:
            continue
        source = f"{display_path(item.path)} 的市政府审定名单（approval）"
        for entry, entrant in stage_entries(item.data, Stage.APPROVAL):
            if entry.level in RANKED_LEVELS:
                found[entrant.credit_code].append(Win(item.data.year, entry.level, source))
    return {code: tuple(wins) for code, wins in found.items()}


def earlier_wins(entrant: Entrant, year: int, recorded: WinsByCode) -> list[Win]:
    """The entrant's awards before ``year``: its past_awards and the site's own earlier years."""
    wins = [
        Win(past.year, past.level, "past_awards")
        for past in entrant.past_awards
        if past.year < year
    ]
    wins += [win for win in recorded.get(entrant.credit_code, ()) if win.year < year]
    return sorted(wins, key=lambda win: (win.year, win.source))


def check_gold_wait(item: YearFile, recorded: WinsByCode) -> Iterator[Problem]:
    """A gold winner applies again only from its award year + 3; past_awards lie in the past."""
    file = display_path(item.path)
    year = item.data.year
    for index, entrant in enumerate(item.data.entrants, start=1):
        where = f"entrants[{index}]（{entrant.id}）"
        for past in entrant.past_awards:
            if past.year >= year:
                yield Problem(
                    file,
                    f"{where}.past_awards",
                    "往年获奖",
                    f"往年获奖年度 {past.year} 应早于 {year}",
                )
        for win in earlier_wins(entrant, year, recorded):
            if win.level is Level.GOLD and year < gold_reapply_year(win.year):
                yield Problem(
                    file,
                    where,
                    "金奖3年后方可再次申请",
                    f"{entrant.display_name}（统一社会信用代码 {entrant.credit_code}）"
                    f"{win.year} 年度获金奖（见 {win.source}），最早可申请 "
                    f"{gold_reapply_year(win.year)} 年度。{quoted(GOLD_REAPPLY)}；"
                    f"{GOLD_REAPPLY_READING}",
                )


def check_repeat_winners(item: YearFile, recorded: WinsByCode) -> Iterator[Problem]:
    """A winner of the same level again is marked repeat (no quota); a mark needs that past award."""
    file = display_path(item.path)
    by_id = entrants_by_id(item.data)
    for stage in sorted(LEVELLED_STAGES, key=STAGE_ORDER.index):
        for index, entry in enumerate(item.data.stages.get(stage, []), start=1):
            entrant = by_id.get(entry.entrant)
            if entrant is None or entry.level not in RANKED_LEVELS:
                continue
            at = f"stages.{stage.value}[{index}]（{entry.entrant}）"
            wins = earlier_wins(entrant, item.data.year, recorded)
            same = [win for win in wins if win.level is entry.level]
            if same and not entry.repeat:
                won = "、".join(f"{w.year} 年度（见 {w.source}）" for w in same)
                yield Problem(
                    file,
                    at,
                    "再次获同等次奖不占名额",
                    f"{entrant.display_name} 曾于 {won}获{entry.level.label}，再次获得应标注 "
                    f"repeat: true（不占名额、不授予奖金）。{quoted(SAME_LEVEL_AGAIN)}",
                )
            if entry.repeat and not same:
                yield Problem(
                    file,
                    at,
                    "再次获同等次奖不占名额",
                    f"{entrant.display_name} 标注了 repeat，但 past_awards 和本站往年的"
                    f"市政府审定名单中都没有该主体（统一社会信用代码 {entrant.credit_code}）"
                    f"往年获{entry.level.label}的记录",
                )
