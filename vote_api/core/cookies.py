"""The service's cookies: one https rule for their Secure flag, and values signed with HMAC.

A request came over https if its own scheme says so, or if a trusted proxy (and only a
trusted proxy: ``SZMQA_TRUSTED_PROXIES``) says so in ``X-Forwarded-Proto``; a client that
sends the header itself changes nothing. Signed values are ``payload.signature``, the
signature an HMAC-SHA256 of the payload under the service secret, separated by purpose, so a
value signed for one cookie never passes for another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Literal

from starlette.requests import Request
from starlette.responses import Response

from vote_api.core.client import peer_is_trusted
from vote_api.core.settings import IPNetwork


def is_https(request: Request, trusted_proxies: list[IPNetwork]) -> bool:
    """Whether the client used https: the request's scheme, or a trusted proxy's word."""
    if request.url.scheme == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[-1].strip().lower()
    return forwarded == "https" and peer_is_trusted(request, trusted_proxies)


class SignedValue:
    """Signs payloads for one purpose and checks them back (constant-time comparison)."""

    def __init__(self, secret: bytes, purpose: str) -> None:
        self._secret = secret
        self._prefix = purpose.encode("utf-8") + b"\x00"

    def signature(self, payload: str) -> str:
        """The payload's signature (URL-safe base64 without padding)."""
        message = self._prefix + payload.encode("utf-8")
        mac = hmac.new(self._secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")

    def sign(self, payload: str) -> str:
        """``payload.signature``."""
        return f"{payload}.{self.signature(payload)}"

    def unsign(self, value: str | None) -> str | None:
        """The payload of a well-signed value, or None for a missing, malformed or forged one."""
        if not value or value.count(".") != 1:
            return None
        payload, signature = value.split(".")
        expected = self.signature(payload)
        if not payload or not hmac.compare_digest(
            signature.encode("utf-8", "replace"), expected.encode("ascii")
        ):
            return None
        return payload


@dataclass(frozen=True)
class Cookie:
    """One cookie: its name, path, SameSite rule and lifetime; always HttpOnly."""

    name: str
    path: str
    samesite: Literal["lax", "strict"]
    max_age: int | None = None

    def read(self, request: Request) -> str | None:
        """The cookie's value in the request, if any."""
        return request.cookies.get(self.name)

    def set(self, response: Response, value: str, *, secure: bool) -> None:
        """Set the cookie (``secure``: from ``is_https``, or a policy stricter than it)."""
        response.set_cookie(
            self.name,
            value,
            max_age=self.max_age,
            path=self.path,
            httponly=True,
            samesite=self.samesite,
            secure=secure,
        )

    def clear(self, response: Response, *, secure: bool) -> None:
        """Remove the cookie."""
        response.delete_cookie(
            self.name, path=self.path, httponly=True, samesite=self.samesite, secure=secure
        )
