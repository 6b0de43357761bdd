"""The ballot log's service: each ballot's tree (kept in memory, caught up from the database),
its signed checkpoints, and inclusion and consistency proofs against them.

A checkpoint is made when a ballot's log has grown and its last checkpoint is older than
``checkpoint_minutes`` (or there is none), and at the close: whenever a vote is recorded,
anyone reads the log, or each worker's minute comes round (``published.keep_signing``), so a
log that grows is never much more than that long without a signed head, and the final head
follows the close within a minute. Workers that sign
the same size at once sign the same bytes (Ed25519 is deterministic); the unique constraint
keeps one row.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select, text
from sqlmodel import Session, col

from vote_api.core.checkpoint import Checkpoint, sign_checkpoint, verifier_key
from vote_api.core.merkle import Tree, leaf_hash
from vote_api.core.timeutil import from_db, to_db
from vote_api.voting.ballot_log.copies import write_checkpoint, write_key
from vote_api.voting.ballot_log.leaves import read_leaves
from vote_api.voting.ballot_log.models import VOTE_LEAF, CheckpointRow, LogLeaf

log = logging.getLogger("vote_api.ballot_log")
_INSERT_CHECKPOINT = text(
    "INSERT INTO ballot_checkpoint (ballot_id, size, root_hash, note, created_at)"
    " VALUES (:ballot_id, :size, :root_hash, :note, :created_at)"
    " ON CONFLICT (ballot_id, size) DO NOTHING"
)


@dataclass(frozen=True)
class StoredCheckpoint:
    """A checkpoint as stored: its size, root (hex), signed note and when it was made."""

    size: int
    root_hash: str
    note: str
    created_at: datetime


@dataclass(frozen=True)
class Inclusion:
    """A leaf, its index, and its audit path to the head of a checkpoint."""

    index: int
    leaf: str
    proof: list[bytes]
    checkpoint: StoredCheckpoint


class BallotLog:
    """The logs of every ballot of this service, signed with the installation's key."""

    def __init__(
        self,
        name: str,
        key: Ed25519PrivateKey,
        interval: timedelta,
        copies: Path | None = None,
    ) -> None:
        self.name = name
        self.key = key
        self.interval = interval
        self.vkey = verifier_key(name, key)
        #: Where each signed checkpoint and the key are also written for the site (or None).
        self.copies = copies
        if copies is not None:
            write_key(copies, self.vkey)
        self._trees: dict[str, Tree] = {}
        self._last_made: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def origin(self, ballot_id: str) -> str:
        """The origin line of a ballot's checkpoints."""
        return f"{self.name}/ballots/{ballot_id}"

    def tree(self, session: Session, ballot_id: str) -> Tree:
        """The ballot's tree, caught up with the leaves stored since it was last read."""
        with self._lock:
            tree = self._trees.get(ballot_id) or Tree()
            for data in read_leaves(session, ballot_id, tree.size):
                tree.append(leaf_hash(data.encode("utf-8")))
            self._trees[ballot_id] = tree
            return tree

    def forget(self, ballot_id: str) -> None:
        """Drop the cached tree (it is read again from the database next time)."""
        with self._lock:
            self._trees.pop(ballot_id, None)

    def checkpoints(self, session: Session, ballot_id: str) -> list[StoredCheckpoint]:
        """The ballot's checkpoints, oldest first."""
        rows: Iterable[CheckpointRow] = session.execute(
            select(CheckpointRow)
            .where(col(CheckpointRow.ballot_id) == ballot_id)
            .order_by(col(CheckpointRow.size))
        ).scalars()
        return [
            StoredCheckpoint(row.size, row.root_hash, row.note, from_db(row.created_at))
            for row in rows
        ]

    def due(self, ballot_id: str, now: datetime) -> bool:
        """Whether this worker may need to sign (cheap: no database work when it surely need not)."""
        last = self._last_made.get(ballot_id)
        return last is None or now - last >= self.interval

    def checkpoint_if_due(
        self, session: Session, ballot_id: str, now: datetime, *, closes: datetime
    ) -> StoredCheckpoint | None:
        """Sign the log's head if it grew and the last checkpoint is old (or the ballot closed).

        After the close, the first checkpoint is final for votes: a later one is signed only
        over invalidations (a review may still set votes aside); a vote leaf appended after
        it (written behind the service's back) is never signed.
        """
        closed = now >= closes
        latest = session.execute(
            select(CheckpointRow)
            .where(col(CheckpointRow.ballot_id) == ballot_id)
            .order_by(col(CheckpointRow.size).desc())
            .limit(1)
        ).scalar_one_or_none()
        tree = self.tree(session, ballot_id)
        if latest is not None:
            made = from_db(latest.created_at)
            self._last_made[ballot_id] = max(made, self._last_made.get(ballot_id, made))
            if tree.size <= latest.size or (not closed and now - made < self.interval):
                return None
            if closed and self._votes_after_final(session, ballot_id, closes):
                log.error("ballot log %s: a vote leaf after the close; not signed", ballot_id)
                return None
        elif tree.size == 0:
            return None
        return self._sign(session, ballot_id, tree, now)

    def _votes_after_final(self, session: Session, ballot_id: str, closes: datetime) -> bool:
        final = session.execute(
            select(func.min(col(CheckpointRow.size))).where(
                col(CheckpointRow.ballot_id) == ballot_id,
                col(CheckpointRow.created_at) >= to_db(closes),
            )
        ).scalar_one_or_none()
        if final is None:
            return False
        later = session.execute(
            select(func.count())
            .select_from(LogLeaf)
            .where(
                col(LogLeaf.ballot_id) == ballot_id,
                col(LogLeaf.leaf_index) >= final,
                col(LogLeaf.kind) == VOTE_LEAF,
            )
        ).scalar_one()
        return bool(later)

    def _sign(
        self, session: Session, ballot_id: str, tree: Tree, now: datetime
    ) -> StoredCheckpoint:
        size = tree.size
        made: Checkpoint = sign_checkpoint(
            self.origin(ballot_id), size, tree.root(size), self.name, self.key
        )
        session.execute(
            _INSERT_CHECKPOINT,
            {
                "ballot_id": ballot_id,
                "size": size,
                "root_hash": made.root.hex(),
                "note": made.note,
                "created_at": to_db(now),
            },
        )  # another worker that signed this size first wrote the same bytes: nothing to add
        session.commit()
        self._last_made[ballot_id] = now
        if self.copies is not None:
            write_checkpoint(self.copies, ballot_id, size, made.note)
        return StoredCheckpoint(size, made.root.hex(), made.note, now)

    def inclusion(
        self, session: Session, ballot_id: str, index: int, size: int | None = None
    ) -> Inclusion | None:
        """The leaf and its proof against the checkpoint of ``size`` (default: the latest).

        None when no checkpoint covers the leaf yet.
        """
        covering = [c for c in self.checkpoints(session, ballot_id) if c.size > index]
        if size is not None:
            covering = [c for c in covering if c.size == size]
        if not covering:
            return None
        checkpoint = covering[-1]
        tree = self.tree(session, ballot_id)
        [leaf] = read_leaves(session, ballot_id, index, limit=1)
        proof = tree.inclusion_proof(index, checkpoint.size)
        return Inclusion(index=index, leaf=leaf, proof=proof, checkpoint=checkpoint)

    def consistency(self, session: Session, ballot_id: str, old: int, new: int) -> list[bytes]:
        """The proof that the log at ``old`` leaves is a prefix of the log at ``new`` leaves."""
        return self.tree(session, ballot_id).consistency_proof(old, new)
