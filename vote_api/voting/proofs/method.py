"""Voter proof as an interface: how a ballot tells its voters apart, whatever the method.

A method has a name (what a year file's ballot names in ``identity:``) and a Chinese label,
its own routes to start and finish a proof (if it needs any), and gives the keyed voter key
a vote is stored under, with the review traits it adds. The vote logic sees only that key:
never a number, an account or a token.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Protocol

from fastapi import APIRouter, Request

from award.models import Ballot, VoterProof
from vote_api.core.content import ContentHolder
from vote_api.core.db import Database
from vote_api.core.settings import Settings
from vote_api.voting.catalog import BallotCatalog


def keyed_hash(secret: bytes, purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` under the service secret, separated by purpose (hex)."""
    return hmac.new(secret, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Voter:
    """This browser's device identity: the keyed hash it is known by, and a new token to hand out."""

    key: str
    new_token: str | None = None


@dataclass(frozen=True)
class Proof:
    """A voter as a method proved them: the keyed voter key and the review traits it adds.

    ``traits`` names fields of ``vote_api.voting.casting.Traits`` (e.g. a number's segment).
    """

    voter_key: str
    traits: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProofSetup:
    """What a method is built from: the settings and the parts of the app it may use."""

    settings: Settings
    db: Database
    contents: ContentHolder


class NamedProof:
    """What every method shares: the Chinese label of its name."""

    name: ClassVar[VoterProof]

    @property
    def label(self) -> str:
        """What the vote page tells the voter."""
        return self.name.label


class BallotReadingProof(NamedProof):
    """A method whose routes look ballots up in the current content (phone, WeChat)."""

    _contents: ContentHolder

    @property
    def catalog(self) -> BallotCatalog:
        """The ballots of the current content."""
        return self._contents.derived(BallotCatalog)


class VoterProofMethod(Protocol):
    """One way of telling voters apart (see the module's docstring)."""

    #: The name a ballot gives in the year file's ``identity:``.
    name: ClassVar[VoterProof]
    #: The routes that start and finish a proof (under /api); None when there is nothing to prove.
    router: ClassVar[APIRouter | None]
    #: Whether a voter proves themself before voting (the vote page asks for it first).
    verifies: ClassVar[bool]

    @property
    def label(self) -> str:
        """What the vote page tells the voter, in Chinese."""
        ...

    def prove(self, request: Request, ballot: Ballot, now: datetime, device: Voter) -> Proof:
        """The proof of the request's voter for a vote, or an ``APIError`` telling them why not."""
        ...

    def known(self, request: Request, now: datetime, device: Voter) -> Proof | None:
        """The voter's proof if this browser already holds one (before any vote), else None."""
        ...
