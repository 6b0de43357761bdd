"""Everything the vote endpoints use, gathered once per app.

FastAPI runs a plain ``def`` dependency on its thread pool (the shared ``deps`` aliases are
such), costing a thread hop each; the vote path looks this bundle up once instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from slowapi import Limiter

from vote_api.captcha import CaptchaService
from vote_api.db import Database
from vote_api.limiter import hit_daily_cap
from vote_api.voting.catalog import BallotCatalog, catalog_for
from vote_api.voting.identity import VoterIdentity, identity_for, keyed_hash
from vote_api.voting.writer import VoteWriter


@dataclass
class Voting:
    """The app's database, vote writer, captcha service, ballots, voter identity and limiter."""

    db: Database
    writer: VoteWriter
    captcha: CaptchaService
    catalog: BallotCatalog
    identity: VoterIdentity
    limiter: Limiter
    clock: Callable[[], datetime]
    secret: bytes

    def now(self) -> datetime:
        """The server's current time (Asia/Shanghai), from the app's clock."""
        return self.clock()

    def address_key(self, address: str) -> str:
        """The keyed hash stored instead of a client address."""
        return keyed_hash(self.secret, "address", address)

    def daily_cap(self, ballot_id: str, cap: int, address: str) -> Callable[[], int | None]:
        """A hit against the ballot's daily cap for the address (seconds to wait, or None)."""
        return lambda: hit_daily_cap(self.limiter, cap, "szmqa", "vote-day", ballot_id, address)


def voting_for(app: FastAPI) -> Voting:
    """The app's vote service bundle, built on first use."""
    voting = getattr(app.state, "voting", None)
    if voting is None:
        state = app.state
        voting = state.voting = Voting(
            db=state.db,
            writer=VoteWriter(state.db),
            captcha=state.captcha,
            catalog=catalog_for(app),
            identity=identity_for(app),
            limiter=state.limiter,
            clock=state.clock,
            secret=state.settings.secret_key.get_secret_value().encode(),
        )
    return voting


async def get_voting(request: Request) -> Voting:
    """The vote service bundle of the request's app."""
    return voting_for(request.app)


VotingDep = Annotated[Voting, Depends(get_voting)]
