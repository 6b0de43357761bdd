"""The stored vote: one row per accepted vote, unique per ballot, voter and period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
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
        Index("ix_vote_ballot_created", "ballot_id", "created_at"),
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
    #: What anomaly review needs, none of it naming a person: keyed hashes of the address
    #: network (IPv4 /24, IPv6 /48), the user agent and the device cookie; the phone number's
    #: operator segment (first 3 digits) and a bucket of a keyed hash of its 7-digit block
    #: (``phone_block``, 2 hex digits; never the 4-digit region block) on phone ballots.
    network_key: str | None = Field(default=None, max_length=64)
    agent_key: str | None = Field(default=None, max_length=64)
    device_key: str | None = Field(default=None, max_length=64)
    phone_segment: str | None = Field(default=None, max_length=3)
    phone_block: str | None = Field(default=None, max_length=4)
    invalidated_at: datetime | None = moment_field(nullable=True)
    invalidated_reason: str | None = Field(default=None, max_length=500)
    invalidated_category: str | None = Field(default=None, max_length=20)


class NetworkDay(SQLModel, table=True):
    """Votes recorded per ballot, address network and Beijing day: the durable daily cap.

    Counted in the vote's own transaction (an upsert that returns the new count), so the cap
    holds across restarts, workers and a rate-limit store that went away.
    """

    __tablename__ = "vote_network_day"

    ballot_id: str = Field(max_length=40, primary_key=True)
    network_key: str = Field(max_length=64, primary_key=True)
    day: str = Field(max_length=10, primary_key=True)
    votes: int = 0


def join_choices(candidate_ids: list[str]) -> str:
    """The stored form of a set of choices: sorted, comma-joined."""
    return ",".join(sorted(candidate_ids))


def split_choices(stored: str) -> list[str]:
    """The candidate ids of a stored vote."""
    return [part for part in stored.split(",") if part]


class SmsCode(SQLModel, table=True):
    """A verification code sent to a number: only keyed hashes of the number and the code."""

    __tablename__ = "sms_code"

    id: int | None = Field(default=None, primary_key=True)
    phone_key: str = Field(max_length=64, index=True)
    code_hash: str = Field(max_length=64)
    created_at: datetime = moment_field()
    expires_at: datetime = moment_field()
    attempts: int = 0
    used: bool = False


class SmsQuota(SQLModel, table=True):
    """Codes sent to a number on a Beijing day, and when the last one went (resend pacing)."""

    __tablename__ = "sms_quota"

    phone_key: str = Field(max_length=64, primary_key=True)
    day: str = Field(max_length=10, primary_key=True)
    sent: int = 0
    last_sent_at: datetime | None = moment_field(nullable=True)


class SmsTally(SQLModel, table=True):
    """SMS codes sent, and verified, per scope, key and period: the durable SMS economics.

    Scopes: ``day`` (key ``*``, the daily ceiling), ``block`` (a keyed hash of the number's
    first 7 digits, its daily cap), ``segment`` (the first 3 digits, or ``*``, per Beijing hour:
    the share of codes verified). Counted by conditional upserts in the code's transaction, so
    the ceiling and caps hold across workers, restarts and a rate-limit store that went away.
    """

    __tablename__ = "sms_tally"

    scope: str = Field(max_length=10, primary_key=True)
    key: str = Field(max_length=64, primary_key=True)
    period: str = Field(max_length=13, primary_key=True)
    sent: int = 0
    verified: int = 0
