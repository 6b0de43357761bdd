"""What the ballot log adds to the public answers: a due checkpoint, and a receipt's proof."""

from __future__ import annotations

import asyncio
import logging

from sqlmodel import Session

from award.windows import WindowState
from vote_api.voting.ballot_log.leaves import LogGapError, leaf_of_receipt
from vote_api.voting.ballot_log.schemas import InclusionOut
from vote_api.voting.catalog import BallotEntry
from vote_api.voting.service import Voting

DAMAGED = "本投票的日志记录编号不连续（可能被改动），服务已停止为它签署检查点；请联系秘书处"
log = logging.getLogger("vote_api.ballot_log")


def refresh(session: Session, voting: Voting, entry: BallotEntry) -> None:
    """Sign the ballot log's head if a checkpoint is due (the log grew, or the ballot closed).

    A log with a gap in its numbering is never signed (fail closed): the gap is logged once
    per look and the stored checkpoints stay as they are, for auditors to compare.
    """
    now = voting.now()
    try:
        voting.ballot_log.checkpoint_if_due(session, entry.id, now, closes=entry.ballot.closes)
    except LogGapError as error:
        voting.ballot_log.forget(entry.id)
        log.error("ballot log %s: leaf %d is missing; no checkpoint signed", entry.id, error.index)


def receipt_inclusion(
    session: Session, voting: Voting, entry: BallotEntry, digest: str
) -> InclusionOut | None:
    """The receipt's leaf and its proof against the latest checkpoint (None: none covers it yet)."""
    found = leaf_of_receipt(session, digest)
    if found is None or found[0] != entry.id:
        return None
    refresh(session, voting, entry)
    try:
        proven = voting.ballot_log.inclusion(session, entry.id, found[1])
    except LogGapError:
        voting.ballot_log.forget(entry.id)
        return None
    return None if proven is None else InclusionOut.of(entry.id, proven, voting.ballot_log.vkey)


async def checkpoint_after_vote(voting: Voting, entry: BallotEntry) -> None:
    """After a recorded vote: sign the log's head if this worker's last checkpoint is old."""
    if voting.ballot_log.due(entry.id, voting.now()):
        await voting.db.run(lambda session: refresh(session, voting, entry))


#: How often each worker looks for a log that grew and has an old checkpoint.
SIGNING_PERIOD_SECONDS = 60


def sign_due(session: Session, voting: Voting) -> None:
    """Sign every public ballot's log whose checkpoint is due (open, or closed with new leaves)."""
    now = voting.now()
    for entry in voting.catalog:
        if entry.is_public(now) and entry.state(now) is not WindowState.UPCOMING:
            refresh(session, voting, entry)


async def keep_signing(voting: Voting) -> None:
    """Every minute, sign what is due: a growing log never waits for a visitor to be signed."""
    while True:
        await asyncio.sleep(SIGNING_PERIOD_SECONDS)
        try:
            await voting.db.run(lambda session: sign_due(session, voting))
        except Exception:  # the database away a moment: try again next minute
            log.exception("ballot log: signing due checkpoints failed")
