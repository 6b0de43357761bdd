"""Votes for the demo's closed ballots, so that ``./run.sh`` shows a ballot log to audit.

At a demo start, each closed ballot whose candidates are public and which has no vote yet
gets a few fictional votes, spread over its window, recorded by the service's own recorder
(so the log's trigger writes their leaves). The first look at the ballot's log then signs
its final checkpoint, and ``szmqa audit-ballot`` can recount it.
"""

from __future__ import annotations

import asyncio
import random
from concurrent.futures import ThreadPoolExecutor

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlmodel import col

from award.windows import WindowState
from vote_api.core.humancheck import Ticket
from vote_api.voting.casting import Paper, Submission, Traits, prepare
from vote_api.voting.catalog import BallotEntry
from vote_api.voting.deps import voting_of
from vote_api.voting.models import Vote
from vote_api.voting.recording import Recorder, recorder_for

DEMO_VOTES = 36


def _papers(entry: BallotEntry, count: int, rng: random.Random) -> list[Paper]:
    window = entry.ballot.closes - entry.ballot.opens
    papers = []
    for n in range(count):
        at = entry.ballot.opens + window * (n + 0.5) / count
        chosen = rng.sample(list(entry.candidates), rng.randint(1, entry.ballot.max_choices))
        submission = Submission(
            entry=entry,
            candidates=chosen,
            ticket=Ticket(challenge_id=None, answer_hash=None, scope=f"vote:{entry.id}"),
            voter_key=f"demo-voter-{n}",
            traits=Traits(address_key=f"demo-{n}", network_key=f"demo-{n}", agent_key="demo"),
        )
        papers.append(prepare(submission, now=at))
    return papers


async def _record(recorder: Recorder, papers: list[Paper]) -> list[str]:
    try:
        return await recorder.record(papers)
    finally:
        await recorder.close()


def seed_closed_ballots(app: FastAPI, count: int = DEMO_VOTES) -> list[str]:
    """Record demo votes in every closed, public ballot that has none; the ballots seeded."""
    voting = voting_of(app)
    now = voting.now()
    rng = random.Random(23)
    seeded = []
    for entry in voting.catalog:
        if entry.state(now) is not WindowState.CLOSED or not entry.is_public(now):
            continue
        with voting.db.session() as session:
            stored: int = session.execute(
                select(func.count()).select_from(Vote).where(col(Vote.ballot_id) == entry.id)
            ).scalar_one()
        if stored:
            continue
        coroutine = _record(recorder_for(voting.db), _papers(entry, count, rng))
        with ThreadPoolExecutor(1) as thread:  # its own event loop, whoever calls
            thread.submit(asyncio.run, coroutine).result()
        seeded.append(entry.id)
    return seeded
