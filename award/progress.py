"""How far an entrant got: the stages it reached, where it stopped, and its award level."""

from __future__ import annotations

from dataclasses import dataclass

from award.categories import Level
from award.lists import entrants_by_id, stages_reached
from award.models import EVALUATION_STAGES, AwardYear
from award.stages import STAGE_ORDER, Stage


@dataclass(frozen=True)
class Progress:
    """An entrant's standing in the published lists of its year."""

    reached: tuple[Stage, ...]
    #: The first later stage whose list is published without the entrant (it stopped before it).
    stopped_before: Stage | None
    #: The award level on the publicity or approval list, once published.
    level: Level | None
    repeat: bool

    @property
    def last(self) -> Stage:
        """The last stage whose list names the entrant."""
        return self.reached[-1]

    def describe(self) -> str:
        """The standing in words, e.g. 未进入集中答辩（止于材料评审）."""
        if self.stopped_before is not None:
            return f"未进入{self.stopped_before.label}（止于{self.last.label}）"
        if self.level is not None:
            note = "，再次获得同一等次，不占名额" if self.repeat else ""
            if Stage.APPROVAL in self.reached:
                return f"获{self.level.label}（市政府审定{note}）"
            return f"拟奖：{self.level.label}（社会公示{note}）"
        return f"已进入{self.last.label}（目前已公布的最新阶段）"


def entrant_path(year: AwardYear, entrant_id: str) -> list[Stage]:
    """The stages an entrant's category goes through this year, in order."""
    entrant = entrants_by_id(year).get(entrant_id)
    chosen = year.evaluation.get(entrant.category) if entrant else None
    if chosen is None:
        on = [s for s in EVALUATION_STAGES if s in stages_reached(year, entrant_id)]
        chosen = on[0] if on else None
    skipped = {s for s in EVALUATION_STAGES if chosen is not None and s is not chosen}
    return [stage for stage in STAGE_ORDER if stage not in skipped]


def entrant_progress(year: AwardYear, entrant_id: str) -> Progress | None:
    """The entrant's progress, or None if no published list names it."""
    reached = stages_reached(year, entrant_id)
    entrant = entrants_by_id(year).get(entrant_id)
    if not reached or entrant is None:
        return None
    path = entrant_path(year, entrant_id)
    later = path[path.index(reached[-1]) + 1 :] if reached[-1] in path else []
    stopped = next((stage for stage in later if year.list_public(stage, entrant.category)), None)
    level, repeat = None, False
    for stage in (Stage.APPROVAL, Stage.PUBLICITY):
        entry = next((e for e in year.stages.get(stage, []) if e.entrant == entrant_id), None)
        if entry is not None and entry.level is not None:
            level, repeat = entry.level, entry.repeat
            break
    return Progress(tuple(reached), stopped, level, repeat)
