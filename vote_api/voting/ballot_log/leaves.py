"""Leaves of the ballot log: their canonical JSON, appending an invalidation, reading them back.

A vote's leaf is written by the database trigger of migration 0012 from the inserted row; an
invalidation's leaf is appended here, in the invalidation's transaction, and names the leaf
indices it sets aside and the reason's category (never the free-text reason, never anything
about the voter). Both number their leaf with the same counter row (``ballot_log_size``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlmodel import Session, col

from award.moments import SHANGHAI
from vote_api.voting.ballot_log.models import INVALIDATION_LEAF, LogLeaf
from vote_api.voting.models import Vote

_NEXT_INDEX = text(
    "INSERT INTO ballot_log_size (ballot_id, size) VALUES (:ballot_id, 1)"
    " ON CONFLICT (ballot_id) DO UPDATE SET size = ballot_log_size.size + 1 RETURNING size"
)


class LogGapError(Exception):
    """The stored leaves are not numbered 0, 1, 2... without a gap: the log was tampered with."""

    def __init__(self, index: int) -> None:
        super().__init__(f"第 {index} 条记录缺失或编号不连续")
        self.index = index


def canonical(value: dict[str, Any]) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 characters as they are."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def minute(moment: datetime) -> str:
    """A moment in Beijing time to the minute, as leaves write it."""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M+08:00")


def append_invalidation(
    session: Session, ballot_id: str, vote_ids: Sequence[int], category: str, now: datetime
) -> int | None:
    """Append the leaf that sets these votes aside; return its index (None if no vote has a leaf)."""
    indices: list[int] = sorted(
        session.execute(
            select(col(LogLeaf.leaf_index)).where(
                col(LogLeaf.ballot_id) == ballot_id, col(LogLeaf.vote_id).in_(list(vote_ids))
            )
        ).scalars()
    )
    if not indices:
        return None
    index = int(session.execute(_NEXT_INDEX, {"ballot_id": ballot_id}).scalar_one()) - 1
    data = canonical(
        {
            "ballot": ballot_id,
            "index": index,
            "invalidates": indices,
            "kind": INVALIDATION_LEAF,
            "reason": category,
            "time": minute(now),
        }
    )
    session.add(LogLeaf(ballot_id=ballot_id, leaf_index=index, kind=INVALIDATION_LEAF, data=data))
    return index


def read_leaves(
    session: Session,
    ballot_id: str,
    start: int = 0,
    limit: int | None = None,
    *,
    check: bool = True,
) -> list[str]:
    """The data of the ballot's leaves from ``start`` on, in order; ``LogGapError`` on a gap.

    ``check=False`` gives the rows as stored, gaps and all (what is published for auditors).
    """
    rows = session.execute(
        select(col(LogLeaf.leaf_index), col(LogLeaf.data))
        .where(col(LogLeaf.ballot_id) == ballot_id, col(LogLeaf.leaf_index) >= start)
        .order_by(col(LogLeaf.leaf_index))
        .limit(limit)
    ).all()
    for offset, (index, _) in enumerate(rows):
        if check and index != start + offset:
            raise LogGapError(start + offset)
    return [str(data) for _, data in rows]


def leaf_of_receipt(session: Session, digest: str) -> tuple[str, int] | None:
    """The ballot and leaf index of the vote with this receipt digest (None if it has none)."""
    row = session.execute(
        select(col(LogLeaf.ballot_id), col(LogLeaf.leaf_index))
        .join(Vote, col(Vote.id) == col(LogLeaf.vote_id))
        .where(col(Vote.receipt_digest) == digest)
    ).first()
    return None if row is None else (str(row[0]), int(row[1]))


def stored_size(session: Session, ballot_id: str) -> int:
    """How many leaf rows the ballot's log has (as stored, whatever their numbering)."""
    return int(
        session.execute(
            select(func.count()).select_from(LogLeaf).where(col(LogLeaf.ballot_id) == ballot_id)
        ).scalar_one()
    )
