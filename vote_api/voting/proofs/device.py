"""The ``device`` proof: a signed random voter token in an HttpOnly cookie (low-stakes ballots).

Every vote also reads it, whatever its ballot's method: the device is a review trait.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import ClassVar

from fastapi import APIRouter, Request, Response

from award.models import Ballot, VoterProof
from vote_api.core.cookies import Cookie, SignedValue, is_https
from vote_api.core.settings import IPNetwork
from vote_api.voting.proofs.method import NamedProof, Proof, ProofSetup, Voter, keyed_hash

COOKIE_NAME = "szmqa_voter"
COOKIE_PATH = "/api"
_TOKEN_BYTES = 18


class DeviceProof(NamedProof):
    """A random voter token, signed with HMAC-SHA256, kept in an HttpOnly SameSite=Lax cookie."""

    name: ClassVar[VoterProof] = VoterProof.DEVICE
    router: ClassVar[APIRouter | None] = None
    verifies: ClassVar[bool] = False
    #: What the voter key's hash is separated by (kept from the first release: keys stay valid).
    _KEY_PURPOSE = "voter:cookie"

    def __init__(self, secret: bytes, max_age_days: int, trusted_proxies: list[IPNetwork]) -> None:
        self._secret = secret
        self._signed = SignedValue(secret, "voter-cookie")
        self._cookie = Cookie(COOKIE_NAME, COOKIE_PATH, "lax", max_age=max_age_days * 86400)
        self._trusted_proxies = trusted_proxies

    @classmethod
    def build(cls, setup: ProofSetup) -> DeviceProof:
        """The device proof of an app's settings."""
        settings = setup.settings
        return cls(settings.secret, settings.voter_cookie_days, settings.trusted_proxies)

    def token_from_cookie(self, value: str | None) -> str | None:
        """The token of a well-signed cookie value, or None for a missing or forged one."""
        return self._signed.unsign(value)

    def cookie_value(self, token: str) -> str:
        """The signed cookie value for a token."""
        return self._signed.sign(token)

    def key_for(self, token: str) -> str:
        """The keyed hash votes of this token are stored under."""
        return keyed_hash(self._secret, self._KEY_PURPOSE, token)

    def identify(self, request: Request) -> Voter:
        """The voter of a valid cookie, or a new voter with a fresh token."""
        token = self.token_from_cookie(self._cookie.read(request))
        if token is not None:
            return Voter(key=self.key_for(token))
        token = secrets.token_urlsafe(_TOKEN_BYTES)
        return Voter(key=self.key_for(token), new_token=token)

    def remember(self, request: Request, response: Response, voter: Voter) -> None:
        """Set the cookie of a new voter (Secure when the request came over https)."""
        if voter.new_token is None:
            return
        secure = is_https(request, self._trusted_proxies)
        self._cookie.set(response, self.cookie_value(voter.new_token), secure=secure)

    def prove(self, request: Request, ballot: Ballot, now: datetime, device: Voter) -> Proof:
        """The device itself is the voter."""
        return Proof(voter_key=device.key)

    def known(self, request: Request, now: datetime, device: Voter) -> Proof | None:
        """The device's proof, unless it is new (a new visitor has not voted)."""
        return None if device.new_token is not None else Proof(voter_key=device.key)
