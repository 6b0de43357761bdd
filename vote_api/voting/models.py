"""The stored vote: one row per accepted vote, unique per ballot, voter and period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from vote_api.core.timeutil import moment_field

#: The period key of a ballot whose voters vote once for the whole window.
WINDOW_PERIOD = "window"


class Vote(SQLModel, table=True):
    """An accepted vote. Who voted is kept only as keyed hashes; the receipt only as a digest.

    The unique constraint on (ballot, voter, period) is what makes "one vote per voter per
    period" hold under concurrent requests: the database refuses the second row.
    """

    __tablename__ = "vote"
    __table_args__ = (
        UniqueConstraint("ballot_id", "voter_key", "period_key", name="uq_vote_once_per_period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ballot_id: str = Field(max_length=40)
    voter_key: str = Field(max_length=64)
    period_key: str = Field(max_length=10)
    #: The chosen candidate ids, sorted and joined with commas.
    choices: str = Field(max_length=900)
    receipt_digest: str = Field(max_length=64, unique=True)
    created_at: datetime = moment_field()
    address_key: str = Field(max_length=64)
    invalidated_at: datetime | None = moment_field(nullable=True)
    invalidated_reason: str | None = Field(default=None, max_length=500)


def join_choices(candidate_ids: list[str]) -> str:
    """The stored form of a set of choices: sorted, comma-joined."""
    return ",".join(sorted(candidate_ids))


def split_choices(stored: str) -> list[str]:
    """The candidate ids of a stored vote."""
    return [part for part in stored.split(",") if part]
