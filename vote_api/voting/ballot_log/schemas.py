"""What the ballot log's endpoints answer: checkpoints, proofs, leaves, the public key.

Hashes in proofs are base64 (as the root in a C2SP checkpoint); a leaf is its canonical JSON,
whose SHA-256 after a 0x00 byte is its leaf hash.
"""

from __future__ import annotations

import base64
from datetime import datetime

from pydantic import BaseModel

from vote_api.voting.ballot_log.service import Inclusion, StoredCheckpoint


def b64(hashes: list[bytes]) -> list[str]:
    """Hashes as base64 text."""
    return [base64.b64encode(item).decode("ascii") for item in hashes]


class LogKeyOut(BaseModel):
    """The key that signs every checkpoint of this installation (C2SP verifier key)."""

    name: str
    verifier_key: str
    algorithm: str = "Ed25519"
    message: str


class CheckpointOut(BaseModel):
    """A signed checkpoint: tree size, root hash (hex) and the whole signed note."""

    size: int
    root_hash: str
    note: str
    created_at: datetime

    @classmethod
    def of(cls, stored: StoredCheckpoint) -> CheckpointOut:
        """The answer for a stored checkpoint."""
        return cls(
            size=stored.size,
            root_hash=stored.root_hash,
            note=stored.note,
            created_at=stored.created_at,
        )


class CheckpointsOut(BaseModel):
    """A ballot log's origin, the key that signs it, and all its checkpoints, oldest first."""

    ballot_id: str
    origin: str
    verifier_key: str
    checkpoints: list[CheckpointOut]


class InclusionOut(BaseModel):
    """A leaf, its index and its audit path to a checkpoint's root."""

    ballot_id: str
    leaf_index: int
    leaf: str
    tree_size: int
    proof: list[str]
    checkpoint: CheckpointOut
    verifier_key: str

    @classmethod
    def of(cls, ballot_id: str, found: Inclusion, verifier_key: str) -> InclusionOut:
        """The answer for an inclusion proof."""
        return cls(
            ballot_id=ballot_id,
            leaf_index=found.index,
            leaf=found.leaf,
            tree_size=found.checkpoint.size,
            proof=b64(found.proof),
            checkpoint=CheckpointOut.of(found.checkpoint),
            verifier_key=verifier_key,
        )


class ConsistencyOut(BaseModel):
    """The proof that the log at ``first`` leaves is a prefix of the log at ``second``."""

    ballot_id: str
    first: int
    second: int
    proof: list[str]


class LeavesOut(BaseModel):
    """A page of a closed ballot's leaves, from ``start``; ``size`` is the whole log's."""

    ballot_id: str
    origin: str
    size: int
    start: int
    leaves: list[str]
