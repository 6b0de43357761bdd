"""Who a voter is, as a strategy: the vote logic sees only a keyed hash of the identity.

The one strategy today is a signed random voter token in an HttpOnly cookie. A phone number
verified by SMS code can be added later as another ``VoterIdentity`` whose key is the keyed
hash of the number, without touching the vote logic.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from typing import Protocol

from fastapi import Request, Response

from vote_api.core.settings import IPNetwork

COOKIE_NAME = "szmqa_voter"
COOKIE_PATH = "/api"
_TOKEN_BYTES = 18


def keyed_hash(secret: bytes, purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` under the service secret, separated by purpose (hex)."""
    return hmac.new(secret, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Voter:
    """A recognised voter: the keyed hash that votes are stored under, and a token to hand out."""

    key: str
    new_token: str | None = None


class VoterIdentity(Protocol):
    """A way of recognising a voter across requests."""

    def identify(self, request: Request) -> Voter:
        """The voter making the request; a new visitor gets a fresh identity."""
        ...

    def remember(self, request: Request, response: Response, voter: Voter) -> None:
        """Let the client keep a new identity (e.g. set its cookie); no-op for a known one."""
        ...


class CookieVoterIdentity:
    """A random voter token, signed with HMAC-SHA256, kept in an HttpOnly SameSite=Lax cookie."""

    name = "cookie"

    def __init__(self, secret: bytes, max_age_days: int, trusted_proxies: list[IPNetwork]) -> None:
        self._secret = secret
        self._max_age = max_age_days * 86400
        self._trusted_proxies = trusted_proxies

    def _sign(self, token: str) -> str:
        mac = hmac.new(self._secret, f"voter-cookie\x00{token}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")

    def token_from_cookie(self, value: str | None) -> str | None:
        """The token of a well-signed cookie value, or None for a missing or forged one."""
        if not value or value.count(".") != 1:
            return None
        token, signature = value.split(".")
        if not token or not hmac.compare_digest(signature, self._sign(token)):
            return None
        return token

    def cookie_value(self, token: str) -> str:
        """The signed cookie value for a token."""
        return f"{token}.{self._sign(token)}"

    def key_for(self, token: str) -> str:
        """The keyed hash votes of this token are stored under."""
        return keyed_hash(self._secret, f"voter:{self.name}", token)

    def identify(self, request: Request) -> Voter:
        """The voter of a valid cookie, or a new voter with a fresh token."""
        token = self.token_from_cookie(request.cookies.get(COOKIE_NAME))
        if token is not None:
            return Voter(key=self.key_for(token))
        token = secrets.token_urlsafe(_TOKEN_BYTES)
        return Voter(key=self.key_for(token), new_token=token)

    def _is_https(self, request: Request) -> bool:
        """Whether the client used https (as the request says, or a trusted proxy tells)."""
        if request.url.scheme == "https":
            return True
        forwarded = request.headers.get("x-forwarded-proto", "").split(",")[-1].strip().lower()
        if forwarded != "https" or request.client is None:
            return False
        with contextlib.suppress(ValueError):
            peer = ipaddress.ip_address(request.client.host)
            return any(peer in network for network in self._trusted_proxies)
        return False

    def remember(self, request: Request, response: Response, voter: Voter) -> None:
        """Set the cookie of a new voter (Secure when the request came over https)."""
        if voter.new_token is None:
            return
        response.set_cookie(
            COOKIE_NAME,
            self.cookie_value(voter.new_token),
            max_age=self._max_age,
            path=COOKIE_PATH,
            httponly=True,
            samesite="lax",
            secure=self._is_https(request),
        )
