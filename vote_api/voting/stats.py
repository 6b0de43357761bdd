"""Figures the secretariat watches: votes by day and hour, the latest votes, SMS codes sent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from award.moments import SHANGHAI
from vote_api.core.timeutil import day_bounds, from_db, to_db
from vote_api.voting.catalog import BallotEntry
from vote_api.voting.models import SmsQuota, Vote, split_choices

RECENT_VOTES = 30


def votes_between(session: Session, ballot_id: str, start: datetime, end: datetime) -> int:
    """Valid votes of a ballot cast in [start, end)."""
    return session.execute(
        select(func.count())
        .select_from(Vote)
        .where(
            col(Vote.ballot_id) == ballot_id,
            col(Vote.invalidated_at).is_(None),
            col(Vote.created_at) >= to_db(start),
            col(Vote.created_at) < to_db(end),
        )
    ).scalar_one()


def votes_per_hour(session: Session, ballot_id: str, day: date) -> list[int]:
    """Valid votes of a ballot in each hour (0-23) of a Shanghai day."""
    start, end = day_bounds(day)
    moments: Iterable[datetime] = session.execute(
        select(col(Vote.created_at)).where(
            col(Vote.ballot_id) == ballot_id,
            col(Vote.invalidated_at).is_(None),
            col(Vote.created_at) >= to_db(start),
            col(Vote.created_at) < to_db(end),
        )
    ).scalars()
    hours = Counter(from_db(moment).hour for moment in moments)
    return [hours.get(hour, 0) for hour in range(24)]


def recent_votes(
    session: Session, entry: BallotEntry, limit: int = RECENT_VOTES, vote_id: int | None = None
) -> list[dict[str, Any]]:
    """The latest votes of a ballot (or the one ``vote_id``): id, time, choices, invalidation."""
    query = (
        select(
            col(Vote.id),
            col(Vote.created_at),
            col(Vote.choices),
            col(Vote.receipt_digest),
            col(Vote.invalidated_at),
            col(Vote.invalidated_reason),
        )
        .where(col(Vote.ballot_id) == entry.id)
        .order_by(col(Vote.id).desc())
        .limit(limit)
    )
    if vote_id is not None:
        query = query.where(col(Vote.id) == vote_id)
    rows: Sequence[Any] = session.execute(query).all()
    return [
        {
            "id": found_id,
            "at": from_db(at),
            "candidates": [entry.candidates.get(c, c) for c in split_choices(choices)],
            "digest": digest,
            "invalidated": invalidated is not None,
            "reason": reason,
        }
        for found_id, at, choices, digest, invalidated, reason in rows
    ]


def sms_sent_on(session: Session, now: datetime) -> int:
    """SMS codes sent today (Beijing time), for the budget alert."""
    day = now.astimezone(SHANGHAI).date().isoformat()
    total = session.execute(
        select(func.sum(SmsQuota.sent)).where(col(SmsQuota.day) == day)
    ).scalar()
    return int(total or 0)
