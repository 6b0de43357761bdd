"""What the ballot log adds to the public answers: a due checkpoint, and a receipt's proof."""

from __future__ import annotations

from sqlmodel import Session

from award.windows import WindowState
from vote_api.voting.ballot_log.leaves import leaf_of_receipt
from vote_api.voting.ballot_log.schemas import InclusionOut
from vote_api.voting.catalog import BallotEntry
from vote_api.voting.service import Voting


def refresh(session: Session, voting: Voting, entry: BallotEntry) -> None:
    """Sign the ballot log's head if a checkpoint is due (the log grew, or the ballot closed)."""
    now = voting.now()
    closed = entry.state(now) is WindowState.CLOSED
    voting.ballot_log.checkpoint_if_due(session, entry.id, now, closed=closed)


def receipt_inclusion(
    session: Session, voting: Voting, entry: BallotEntry, digest: str
) -> InclusionOut | None:
    """The receipt's leaf and its proof against the latest checkpoint (None: none covers it yet)."""
    found = leaf_of_receipt(session, digest)
    if found is None or found[0] != entry.id:
        return None
    refresh(session, voting, entry)
    proven = voting.ballot_log.inclusion(session, entry.id, found[1])
    return None if proven is None else InclusionOut.of(entry.id, proven, voting.ballot_log.vkey)


async def checkpoint_after_vote(voting: Voting, entry: BallotEntry) -> None:
    """After a recorded vote: sign the log's head if this worker's last checkpoint is old."""
    if voting.ballot_log.due(entry.id, voting.now()):
        await voting.db.run(lambda session: refresh(session, voting, entry))
