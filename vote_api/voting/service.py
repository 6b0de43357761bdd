"""Everything the vote endpoints use, gathered once when the app is built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from slowapi import Limiter

from vote_api.core.captcha import CaptchaService
from vote_api.core.client import address_network
from vote_api.core.content import ContentHolder
from vote_api.core.db import Database
from vote_api.core.state import CoreState
from vote_api.voting.casting import Paper, Traits
from vote_api.voting.catalog import BallotCatalog
from vote_api.voting.identity import CookieVoterIdentity, VoterIdentity, keyed_hash
from vote_api.voting.phone_session import PhoneSessions
from vote_api.voting.recording import Recorder, recorder_for
from vote_api.voting.sms.factory import SmsConfig, build_gateway
from vote_api.voting.sms.gateway import SmsGateway
from vote_api.voting.writer import VoteWriter


@dataclass
class Voting:
    """The app's database, vote writer, captcha service, ballots, voter identity and limiter."""

    db: Database
    writer: VoteWriter[Paper, str]
    recorder: Recorder
    captcha: CaptchaService
    contents: ContentHolder
    identity: VoterIdentity
    limiter: Limiter
    clock: Callable[[], datetime]
    secret: bytes
    phones: PhoneSessions
    sms: SmsGateway
    #: Whether the page may show a console gateway's code (never in production).
    show_console_codes: bool

    def now(self) -> datetime:
        """The server's current time (Asia/Shanghai), from the app's clock."""
        return self.clock()

    @property
    def catalog(self) -> BallotCatalog:
        """The ballots of the current content (rebuilt once per content version)."""
        return self.contents.derived(BallotCatalog)

    def address_key(self, address: str) -> str:
        """The keyed hash stored instead of a client address."""
        return keyed_hash(self.secret, "address", address)

    def traits(self, request: Request, address: str, device_key: str | None) -> Traits:
        """What review keeps of a vote's sender (keyed hashes; no number, no address)."""
        agent = request.headers.get("user-agent", "")[:512]
        return Traits(
            address_key=self.address_key(address),
            network_key=keyed_hash(self.secret, "network", address_network(address)),
            agent_key=keyed_hash(self.secret, "agent", agent),
            device_key=device_key,
        )


def build_voting(core: CoreState) -> Voting:
    """The vote service parts of an app: its writer, ballots and the signed-cookie identity."""
    settings = core.settings
    secret = settings.secret
    recorder = recorder_for(core.db)
    return Voting(
        db=core.db,
        writer=VoteWriter(core.db, recorder.record),
        recorder=recorder,
        captcha=core.captcha,
        contents=core.contents,
        identity=CookieVoterIdentity(secret, settings.voter_cookie_days, settings.trusted_proxies),
        limiter=core.limiter,
        clock=core.clock,
        secret=secret,
        phones=PhoneSessions(secret),
        sms=build_gateway(
            SmsConfig(
                sms_kind=settings.sms_kind,
                sms_access_key_id=settings.sms_access_key_id,
                sms_access_key_secret=settings.sms_access_key_secret.get_secret_value(),
                sms_sign_name=settings.sms_sign_name,
                sms_template_id=settings.sms_template_id,
                sms_app_id=settings.sms_app_id,
                sms_endpoint=settings.sms_endpoint,
                sms_timeout_seconds=settings.sms_timeout_seconds,
                production=settings.environment == "production",
            )
        ),
        show_console_codes=settings.sms_kind == "console" and settings.environment != "production",
    )
