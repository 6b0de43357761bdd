"""What the ballot pages show: ballots with today's votes, a ballot's tally, hours and clusters."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from award.moments import SHANGHAI
from vote_api.core.timeutil import day_bounds
from vote_api.voting.anomalies import find_clusters, load_votes
from vote_api.voting.catalog import STATE_LABELS, BallotCatalog, BallotEntry, moment_words
from vote_api.voting.stats import recent_votes, votes_between, votes_per_hour
from vote_api.voting.tally import Tally, tally


def ballot_rows(session: Session, catalog: BallotCatalog, now: datetime) -> list[dict[str, Any]]:
    """Every ballot with its state, window and today's valid votes."""
    start, end = day_bounds(now.astimezone(SHANGHAI).date())
    rows = []
    for entry in catalog:
        state = entry.state(now)
        rows.append(
            {
                "id": entry.id,
                "title": entry.title,
                "state": state.value,
                "state_label": STATE_LABELS[state],
                "window": entry.window_text,
                "opens": entry.ballot.opens,
                "today": votes_between(session, entry.id, start, end),
            }
        )
    return rows


def _named(description: str, split: dict[str, int], names: dict[str, str]) -> str:
    """A cluster's description with its candidates' names for their ids (longest id first)."""
    for candidate in sorted(split, key=len, reverse=True):
        if candidate in names:
            description = description.replace(f"{candidate} ", f"“{names[candidate]}” ")
    return description


def cluster_rows(session: Session, entry: BallotEntry) -> list[dict[str, Any]]:
    """The ballot's suspicious clusters, ranked, with their split by candidate name."""
    votes = load_votes(session, entry.id)
    total = len(votes) or 1
    rows = []
    for cluster in find_clusters(votes):
        rows.append(
            {
                "id": cluster.id,
                "kind": cluster.kind.label,
                "description": _named(cluster.description, cluster.split, entry.candidates),
                "size": cluster.size,
                "share": round(cluster.size / total * 100, 1),
                "first_at": cluster.first_at,
                "last_at": cluster.last_at,
                "split": [
                    (entry.candidates.get(candidate, candidate), count)
                    for candidate, count in cluster.split.items()
                ],
                "divergence": cluster.divergence,
                "sample": cluster.sample,
            }
        )
    return rows


def window_days(entry: BallotEntry) -> list[date]:
    """The Shanghai dates a ballot's window touches."""
    first = entry.ballot.opens.astimezone(SHANGHAI).date()
    last = (entry.ballot.closes - timedelta(seconds=1)).astimezone(SHANGHAI).date()
    days: list[date] = []
    day = first
    while day <= last and len(days) < 120:
        days.append(day)
        day += timedelta(days=1)
    return days


def default_day(entry: BallotEntry, now: datetime) -> date:
    """The day whose hours the ballot page charts first: today if in the window, else the last."""
    days = window_days(entry)
    today = now.astimezone(SHANGHAI).date()
    if today in days:
        return today
    return days[-1] if today > days[-1] else days[0]


def ballot_view(session: Session, entry: BallotEntry, now: datetime, day: date) -> dict[str, Any]:
    """The ballot page: tally, votes per hour of a day, the latest votes."""
    counted: Tally = tally(session, entry)
    state = entry.state(now)
    most = max([c.count for c in counted.candidates] + [1])
    return {
        "entry": entry,
        "state_label": STATE_LABELS[state],
        "opens": moment_words(entry.ballot.opens),
        "closes": moment_words(entry.ballot.closes, as_end=True),
        "tally": counted,
        "most": most,
        "hours": votes_per_hour(session, entry.id, day),
        "day": day,
        "days": window_days(entry),
        "recent": recent_votes(session, entry),
    }
