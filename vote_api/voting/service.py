"""Everything the vote endpoints use, gathered once when the app is built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slowapi import Limiter

from vote_api.core.captcha import CaptchaService
from vote_api.core.db import Database
from vote_api.core.limits import hit_daily_cap
from vote_api.core.state import CoreState
from vote_api.voting.catalog import BallotCatalog
from vote_api.voting.identity import CookieVoterIdentity, VoterIdentity, keyed_hash
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


def build_voting(core: CoreState) -> Voting:
    """The vote service parts of an app: its writer, ballots and the signed-cookie identity."""
    settings = core.settings
    secret = settings.secret
    return Voting(
        db=core.db,
        writer=VoteWriter(core.db),
        captcha=core.captcha,
        catalog=BallotCatalog(core.content),
        identity=CookieVoterIdentity(secret, settings.voter_cookie_days, settings.trusted_proxies),
        limiter=core.limiter,
        clock=core.clock,
        secret=secret,
    )
