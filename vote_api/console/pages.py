"""What the console's pages show, read through the features' service functions."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from award.calendar import add_working_days, working_days
from award.errors import AwardError
from award.moments import SHANGHAI
from award.windows import WindowState
from vote_api.core.audit import AuditEntry
from vote_api.core.timeutil import from_db, to_db
from vote_api.objections.models import CaseStatus, ObjectionCase
from vote_api.voting.anomalies import find_clusters, load_votes
from vote_api.voting.catalog import STATE_LABELS, BallotCatalog, BallotEntry, moment_words
from vote_api.voting.models import SmsQuota, Vote, split_choices
from vote_api.voting.tally import Tally, tally

#: The secretariat's target for handling an objection, in working days after it arrives.
HANDLING_TARGET_DAYS = 10
AUDIT_PAGE_SIZE = 50
RECENT_VOTES = 30


# -- objection ages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseAge:
    """How long a case has been open in working days, its due date and whether it is late."""

    days: int | None
    due: date | None
    overdue: bool


def case_age(received: datetime, closed: datetime | None, today: date) -> CaseAge:
    """Working days from the day after receipt to today (or the closing day), vs. the target."""
    start = received.astimezone(SHANGHAI).date() + timedelta(days=1)
    end = closed.astimezone(SHANGHAI).date() if closed is not None else today
    try:
        due = add_working_days(start, HANDLING_TARGET_DAYS)
        days = working_days(start, end) if end >= start else 0
    except AwardError:  # a year whose holiday schedule is not known yet
        return CaseAge(days=None, due=None, overdue=False)
    return CaseAge(days=days, due=due, overdue=closed is None and today > due)


# -- overview -----------------------------------------------------------------------------------


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start and end of a Shanghai day."""
    start = datetime.combine(day, time(0), tzinfo=SHANGHAI)
    return start, start + timedelta(days=1)


def votes_between(session: Session, ballot_id: str, start: datetime, end: datetime) -> int:
    """Valid votes of a ballot cast in [start, end)."""
    return session.execute(
        select(func.count())
        .select_from(Vote)
        .where(
            Vote.ballot_id == ballot_id,
            col(Vote.invalidated_at).is_(None),
            col(Vote.created_at) >= to_db(start),
            col(Vote.created_at) < to_db(end),
        )
    ).scalar_one()


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


def case_counts(session: Session, today: date) -> dict[str, int]:
    """New (received) cases, open cases and overdue open cases."""
    open_cases = session.exec(
        select(ObjectionCase.received_at, ObjectionCase.status).where(
            ObjectionCase.status != CaseStatus.CLOSED.value
        )
    ).all()
    overdue = sum(
        1 for received, _ in open_cases if case_age(from_db(received), None, today).overdue
    )
    new = sum(1 for _, status in open_cases if status == CaseStatus.RECEIVED.value)
    return {"new": new, "open": len(open_cases), "overdue": overdue}


def overview(session: Session, catalog: BallotCatalog, now: datetime) -> dict[str, Any]:
    """The overview: windows open and next, votes today, cases new and overdue."""
    rows = ballot_rows(session, catalog, now)
    upcoming = sorted(
        (r for r in rows if r["state"] == WindowState.UPCOMING.value), key=lambda r: r["opens"]
    )
    open_rows = [r for r in rows if r["state"] == WindowState.OPEN.value]
    return {
        "open": open_rows,
        "next": upcoming[:3],
        "ballots": rows,
        "cases": case_counts(session, now.astimezone(SHANGHAI).date()),
        "cluster_alerts": cluster_alerts(session, catalog, [r["id"] for r in open_rows]),
        "sms_today": sms_sent_on(session, now),
    }


#: A cluster is worth an alert when it leans this far from the rest of the ballot.
ALERT_DIVERGENCE = 0.3


def cluster_alerts(session: Session, catalog: BallotCatalog, ballot_ids: list[str]) -> list[str]:
    """One line per open ballot with clusters that vote unlike the rest."""
    lines = []
    for ballot_id in ballot_ids:
        leaning = [
            c
            for c in find_clusters(load_votes(session, ballot_id))
            if c.divergence >= ALERT_DIVERGENCE
        ]
        if leaning:
            biggest = max(c.size for c in leaning)
            title = catalog.get(ballot_id).title
            lines.append(
                f"“{title}”有 {len(leaning)} 个倾向明显的异常聚类（最大 {biggest} 张），请复核"
            )
    return lines


def sms_sent_on(session: Session, now: datetime) -> int:
    """SMS codes sent today (Beijing time), for the budget alert."""
    day = now.astimezone(SHANGHAI).date().isoformat()
    total = session.execute(select(func.sum(SmsQuota.sent)).where(SmsQuota.day == day)).scalar()
    return int(total or 0)


def shared_storage_down(limiter: Any, storage_uri: str) -> bool:
    """Whether the shared rate-limit storage (Redis) is configured and not answering."""
    if storage_uri.startswith("memory://"):
        return False
    if getattr(limiter, "_storage_dead", False):
        return True
    storage = getattr(limiter, "_storage", None)
    try:
        return storage is not None and not storage.check()
    except Exception:  # an unreachable server may raise instead of answering False
        return True


# -- anomaly clusters -----------------------------------------------------------------------------


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
                "description": cluster.description,
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


# -- ballot -------------------------------------------------------------------------------------


def window_days(entry: BallotEntry) -> list[date]:
    """The Shanghai dates a ballot's window touches."""
    first = entry.ballot.opens.astimezone(SHANGHAI).date()
    last = (entry.ballot.closes - timedelta(seconds=1)).astimezone(SHANGHAI).date()
    days = []
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


def votes_per_hour(session: Session, ballot_id: str, day: date) -> list[int]:
    """Valid votes of a ballot in each hour (0-23) of a Shanghai day."""
    start, end = day_bounds(day)
    moments = session.execute(
        select(Vote.created_at).where(
            Vote.ballot_id == ballot_id,
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
            Vote.id,
            Vote.created_at,
            Vote.choices,
            Vote.receipt_digest,
            Vote.invalidated_at,
            Vote.invalidated_reason,
        )
        .where(Vote.ballot_id == entry.id)
        .order_by(col(Vote.id).desc())
        .limit(limit)
    )
    if vote_id is not None:
        query = query.where(Vote.id == vote_id)
    rows = session.execute(query).all()
    return [
        {
            "id": vote_id,
            "at": from_db(at),
            "candidates": [entry.candidates.get(c, c) for c in split_choices(choices)],
            "digest": digest,
            "invalidated": invalidated is not None,
            "reason": reason,
        }
        for vote_id, at, choices, digest, invalidated, reason in rows
    ]


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


# -- audit log ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    """Filters of the audit log page: who, what, on which object, between which days."""

    actor: str = ""
    action: str = ""
    target: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1


def audit_entries(session: Session, filters: AuditFilter) -> tuple[list[dict[str, Any]], bool]:
    """A page of the audit log, newest first, and whether there is a next page."""
    query = select(AuditEntry)
    if filters.actor:
        query = query.where(AuditEntry.actor == filters.actor)
    if filters.action:
        query = query.where(col(AuditEntry.action).startswith(filters.action))
    if filters.target:
        query = query.where(col(AuditEntry.target).contains(filters.target))
    if filters.since:
        query = query.where(col(AuditEntry.at) >= to_db(day_bounds(filters.since)[0]))
    if filters.until:
        query = query.where(col(AuditEntry.at) < to_db(day_bounds(filters.until)[1]))
    offset = (filters.page - 1) * AUDIT_PAGE_SIZE
    rows = (
        session.execute(
            query.order_by(col(AuditEntry.id).desc()).offset(offset).limit(AUDIT_PAGE_SIZE + 1)
        )
        .scalars()
        .all()
    )
    entries = [
        {
            "id": row.id,
            "at": from_db(row.at),
            "actor": row.actor,
            "action": row.action,
            "target": row.target,
            "detail": _detail_text(row.detail),
        }
        for row in rows[:AUDIT_PAGE_SIZE]
    ]
    return entries, len(rows) > AUDIT_PAGE_SIZE


def _detail_text(stored: str) -> str:
    try:
        detail = json.loads(stored)
    except ValueError:
        return stored
    if not isinstance(detail, dict):
        return str(detail)
    return "；".join(f"{key}={value}" for key, value in detail.items() if value not in (None, ""))


def audit_actors(session: Session) -> list[str]:
    """Every name that appears in the audit log (for the filter's choices)."""
    return sorted(session.execute(select(AuditEntry.actor).distinct()).scalars().all())
