"""Everything the vote endpoints use, gathered once when the app is built: the voting's part."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from fastapi import Request, Response

from award.content import Content
from vote_api.core.client import address_network
from vote_api.core.content import ContentHolder
from vote_api.core.db import Database
from vote_api.core.errors import APIError
from vote_api.core.humancheck import HumanCheck, Purpose
from vote_api.core.keys import log_signing_key
from vote_api.core.state import CoreState
from vote_api.voting.ballot_log.copies import FOLDER as COPIES_FOLDER
from vote_api.voting.ballot_log.service import BallotLog
from vote_api.voting.casting import Paper, Traits
from vote_api.voting.catalog import BallotCatalog
from vote_api.voting.proofs import ProofMethods
from vote_api.voting.proofs.device import DeviceProof
from vote_api.voting.proofs.method import Proof, ProofSetup, keyed_hash
from vote_api.voting.recording import Recorder, recorder_for
from vote_api.voting.writer import VoteWriter


@dataclass
class Voting:
    """The app's database, vote writer, ballots, human check and voter proof methods."""

    db: Database
    writer: VoteWriter[Paper, str]
    recorder: Recorder
    contents: ContentHolder
    clock: Callable[[], datetime]
    secret: bytes
    human_check: HumanCheck
    proofs: ProofMethods
    #: This browser's device identity, read on every vote whatever its ballot's method.
    device: DeviceProof
    #: Every ballot's Merkle log: trees, checkpoints, proofs.
    ballot_log: BallotLog

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

    def traits(self, request: Request, address: str, device_key: str, proof: Proof) -> Traits:
        """What review keeps of a vote's sender (keyed hashes; no number, no address)."""
        agent = request.headers.get("user-agent", "")[:512]
        traits = Traits(
            address_key=self.address_key(address),
            network_key=keyed_hash(self.secret, "network", address_network(address)),
            agent_key=keyed_hash(self.secret, "agent", agent),
            device_key=device_key,
        )
        return replace(traits, **proof.traits) if proof.traits else traits

    def purposes(self) -> list[Purpose]:
        """The actions of a ballot a human check guards: a vote, and asking for an SMS code."""

        def remember_device(request: Request, response: Response) -> None:
            self.device.remember(request, response, self.device.identify(request))

        return [
            Purpose("vote", ballot_scope("vote"), remember_device),
            Purpose("sms", ballot_scope("sms"), remember_device),
        ]


def ballot_scope(purpose: str) -> Callable[[Content, str], str]:
    """The scope of a ballot's challenges for ``purpose``; refuses an unknown ballot."""

    def scope_of(content: Content, target: str) -> str:
        if not any(ballot.id == target for _, ballot in content.ballots()):
            raise APIError(404, "ballot_not_found", f"没有编号为 {target[:40]} 的投票")
        return f"{purpose}:{target}"

    return scope_of


def build_voting(core: CoreState) -> Voting:
    """The vote service parts of an app: its writer, ballots and voter proof methods."""
    recorder = recorder_for(core.db)
    proofs = ProofMethods(ProofSetup(settings=core.settings, db=core.db, contents=core.contents))
    return Voting(
        db=core.db,
        writer=VoteWriter(core.db, recorder.record),
        recorder=recorder,
        contents=core.contents,
        clock=core.clock,
        secret=core.settings.secret,
        human_check=core.human_check,
        proofs=proofs,
        device=proofs.of(DeviceProof),
        ballot_log=BallotLog(
            core.settings.log_name,
            log_signing_key(core.settings),
            timedelta(minutes=core.settings.checkpoint_minutes),
            core.settings.data_dir / COPIES_FOLDER,
        ),
    )
