"""A verified number's short-lived session: a signed cookie, so one code serves several ballots.

The cookie holds the number's keyed hash, its operator segment and the bucket of its 7-digit
block (what review may keep), whether it is in a refused segment, and its expiry, signed with
HMAC-SHA256; the number itself is never in it. Votes on a phone ballot are stored under the keyed hash.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request, Response

from vote_api.core.cookies import Cookie, SignedValue, is_https
from vote_api.core.errors import APIError
from vote_api.core.settings import IPNetwork

COOKIE_NAME = "szmqa_phone"
COOKIE_PATH = "/api"
SESSION_TTL = timedelta(minutes=30)


@dataclass(frozen=True)
class VerifiedPhone:
    """A number proven by SMS: its keyed hash, segment and block, and until when it counts."""

    key: str
    segment: str
    block: str
    special: bool
    until: datetime


class PhoneSessions:
    """Issues and reads the signed session cookie of a verified number."""

    def __init__(self, secret: bytes, trusted_proxies: list[IPNetwork]) -> None:
        self._signed = SignedValue(secret, "phone-session")
        self._cookie = Cookie(
            COOKIE_NAME, COOKIE_PATH, "strict", max_age=int(SESSION_TTL.total_seconds())
        )
        self._trusted_proxies = trusted_proxies

    def cookie_value(self, phone: VerifiedPhone) -> str:
        """The signed cookie value of a verified number."""
        body = json.dumps(
            [phone.key, phone.segment, phone.block, phone.special, phone.until.isoformat()],
            separators=(",", ":"),
        ).encode()
        return self._signed.sign(base64.urlsafe_b64encode(body).rstrip(b"=").decode("ascii"))

    def read(self, request: Request, now: datetime) -> VerifiedPhone | None:
        """The verified number of the request's cookie, or None (missing, forged or expired)."""
        payload = self._signed.unsign(self._cookie.read(request))
        if payload is None:
            return None
        try:
            padded = payload + "=" * (-len(payload) % 4)
            key, segment, block, special, until = json.loads(base64.urlsafe_b64decode(padded))
            expires = datetime.fromisoformat(until)
        except (ValueError, TypeError):
            return None
        if expires <= now:
            return None
        return VerifiedPhone(key, segment, block, bool(special), expires)

    def require(self, request: Request, now: datetime) -> VerifiedPhone:
        """The verified number, or a 401 that tells the voter to verify first."""
        phone = self.read(request, now)
        if phone is None:
            raise APIError(
                401,
                "phone_not_verified",
                "本投票须先验证手机号码：请输入手机号码，获取并填写短信验证码后再投票"
                "（验证后 30 分钟内有效）",
            )
        return phone

    def remember(self, request: Request, response: Response, phone: VerifiedPhone) -> None:
        """Set the session cookie (Secure over https), until the session ends."""
        secure = is_https(request, self._trusted_proxies)
        self._cookie.set(response, self.cookie_value(phone), secure=secure)
