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
from vote_api.voting.sms.economics import ShareRow, SmsPolicy, watch

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


def sms_watch(session: Session, now: datetime) -> list[ShareRow]:
    """Codes sent and verified this hour and the last, per segment and for all (``*`` first)."""
    return watch(session, now)


def watch_policy(floor: float, min_sent: int) -> SmsPolicy:
    """The watch's part of the SMS policy (the console's view of the settings)."""
    return SmsPolicy(verified_share_floor=floor, watch_min_sent=min_sent)


def sms_watch_lines(rows: list[ShareRow], policy: SmsPolicy) -> list[str]:
    """An alert per segment whose verified share is below the floor (its limits are tightened)."""
    lines = []
    for row in rows:
        if row.low(policy):
            name = "全部号段" if row.segment == "*" else f"号段 {row.segment} "
            lines.append(
                f"{name}本小时和上一小时发出的 {row.sent} 条短信验证码只有 {row.verified} 条被验证"
                f"（{row.verified / row.sent:.0%}，低于 {policy.verified_share_floor:.0%}）："
                "其短信限制已自动收紧，请核查是否有人刷短信"
            )
    return lines
