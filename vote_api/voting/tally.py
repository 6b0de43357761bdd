"""Counting votes and looking up receipts; invalidated votes are never counted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from vote_api.core.timeutil import from_db
from vote_api.voting.catalog import BallotEntry
from vote_api.voting.models import Vote, split_choices


@dataclass
class CandidateCount:
    """One candidate's count and the receipt digests of the votes behind it."""

    id: str
    name: str
    count: int = 0
    receipts: list[str] = field(default_factory=list)
    invalidated: int = 0


@dataclass
class Tally:
    """A ballot's counted votes, per candidate, plus the invalidated ones set aside."""

    ballot_id: str
    candidates: list[CandidateCount]
    counted_votes: int
    invalidated_receipts: list[str]
    #: (receipt digest, category) of each invalidated vote, sorted by digest.
    invalidated_categories: list[tuple[str, str]] = field(default_factory=list)


def tally(session: Session, entry: BallotEntry) -> Tally:
    """Count the ballot's valid votes per candidate, with sorted receipt digests."""
    rows: Sequence[Any] = session.execute(
        select(
            col(Vote.choices),
            col(Vote.receipt_digest),
            col(Vote.invalidated_at),
            col(Vote.invalidated_category),
        ).where(col(Vote.ballot_id) == entry.id)
    ).all()
    by_id = {cid: CandidateCount(id=cid, name=name) for cid, name in entry.candidates.items()}
    counted = 0
    invalidated: list[tuple[str, str]] = []
    for choices, digest, invalidated_at, category in rows:
        if invalidated_at is None:
            counted += 1
        else:
            invalidated.append((digest, category or "manual"))
        for candidate_id in split_choices(choices):
            item = by_id.get(candidate_id)
            if item is None:  # a candidate removed from the data after votes were cast
                item = by_id[candidate_id] = CandidateCount(id=candidate_id, name=candidate_id)
            if invalidated_at is None:
                item.count += 1
                item.receipts.append(digest)
            else:
                item.invalidated += 1
    for item in by_id.values():
        item.receipts.sort()
    return Tally(
        ballot_id=entry.id,
        candidates=list(by_id.values()),
        counted_votes=counted,
        invalidated_receipts=sorted(digest for digest, _ in invalidated),
        invalidated_categories=sorted(invalidated),
    )


def votes_per_day(session: Session, ballot_id: str) -> Counter[str]:
    """Valid votes per period key (a date, or "window")."""
    rows: Iterable[str] = session.execute(
        select(col(Vote.period_key)).where(
            col(Vote.ballot_id) == ballot_id, col(Vote.invalidated_at).is_(None)
        )
    ).scalars()
    return Counter(rows)


@dataclass(frozen=True)
class ReceiptRecord:
    """What a receipt says about its vote."""

    ballot_id: str
    at: datetime
    candidates: list[str]
    invalidated_at: datetime | None
    invalidated_reason: str | None


def find_receipt(session: Session, digest: str) -> ReceiptRecord | None:
    """The vote behind a receipt digest, or None."""
    row: Any = session.execute(
        select(
            col(Vote.ballot_id),
            col(Vote.created_at),
            col(Vote.choices),
            col(Vote.invalidated_at),
            col(Vote.invalidated_reason),
        ).where(col(Vote.receipt_digest) == digest)
    ).first()
    if row is None:
        return None
    ballot_id, created_at, choices, invalidated_at, reason = row
    return ReceiptRecord(
        ballot_id=ballot_id,
        at=from_db(created_at),
        candidates=split_choices(choices),
        invalidated_at=from_db(invalidated_at) if invalidated_at is not None else None,
        invalidated_reason=reason,
    )
