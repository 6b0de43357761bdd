"""Reading an award year's lists: entrants by id, a stage's entries, a ballot's candidates."""

from __future__ import annotations

from award.categories import Category
from award.models import AwardYear, Ballot, Entrant, ListEntry
from award.stages import STAGE_ORDER, Stage


def entrants_by_id(year: AwardYear) -> dict[str, Entrant]:
    """The year's entrants keyed by id (the first one wins if an id repeats)."""
    found: dict[str, Entrant] = {}
    for entrant in year.entrants:
        found.setdefault(entrant.id, entrant)
    return found


def stage_entries(
    year: AwardYear, stage: Stage, category: Category | None = None
) -> list[tuple[ListEntry, Entrant]]:
    """A stage's list with each entry's entrant, optionally for one category, in list order."""
    by_id = entrants_by_id(year)
    rows = []
    for entry in year.stages.get(stage, []):
        entrant = by_id.get(entry.entrant)
        if entrant is not None and (category is None or entrant.category is category):
            rows.append((entry, entrant))
    return rows


def ballot_candidates(year: AwardYear, ballot: Ballot) -> list[Entrant]:
    """A ballot's candidates: the category's entrants on the social-evaluation list."""
    return [e for _, e in stage_entries(year, Stage.SOCIAL_EVALUATION, ballot.category)]


def stages_reached(year: AwardYear, entrant_id: str) -> list[Stage]:
    """The stages whose published list names the entrant, in process order."""
    return [
        stage
        for stage in STAGE_ORDER
        if any(entry.entrant == entrant_id for entry in year.stages.get(stage, []))
    ]
