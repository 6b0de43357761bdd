"""The ballot log's tables: its leaves, its size per ballot, and its signed checkpoints.

Leaves are appended in the transaction that records the vote (a database trigger on
``vote``, migration 0012) or the invalidation (``leaves.append_invalidation``). The size row
of a ballot is the counter that gives each leaf its index: the upsert that bumps it locks the
row until the transaction ends, so indices are gap-free and unique per ballot however many
workers write at once, and a rolled-back vote gives its index back. Leaves and checkpoints
refuse UPDATE and DELETE (triggers, as the audit log).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from vote_api.core.timeutil import moment_field

VOTE_LEAF = "vote"
INVALIDATION_LEAF = "invalidation"


class LogLeaf(SQLModel, table=True):
    """One leaf: its index in its ballot's log and its data (canonical JSON, hashed as is)."""

    __tablename__ = "ballot_log_leaf"
    __table_args__ = {"sqlite_with_rowid": False}  # the leaves kept in their key order

    ballot_id: str = Field(max_length=40, primary_key=True)
    leaf_index: int = Field(primary_key=True)
    kind: str = Field(max_length=12)
    #: The vote a vote leaf records (None for an invalidation).
    vote_id: int | None = Field(default=None, unique=True)
    data: str = Field(sa_column=Column(Text, nullable=False))


class LogSize(SQLModel, table=True):
    """How many leaves a ballot's log has: the counter that numbers them."""

    __tablename__ = "ballot_log_size"

    ballot_id: str = Field(max_length=40, primary_key=True)
    size: int = 0


class CheckpointRow(SQLModel, table=True):
    """A signed checkpoint of a ballot's log (C2SP tlog-checkpoint note)."""

    __tablename__ = "ballot_checkpoint"
    __table_args__ = (UniqueConstraint("ballot_id", "size", name="uq_checkpoint_size"),)

    id: int | None = Field(default=None, primary_key=True)
    ballot_id: str = Field(max_length=40, index=True)
    size: int
    root_hash: str = Field(max_length=64)
    note: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = moment_field()
