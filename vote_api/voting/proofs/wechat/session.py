"""The WeChat voter's cookies: the authorisation's state, and the verified voter's session.

Both are signed with HMAC-SHA256 and HttpOnly. The session holds the keyed hash of the
openid and its expiry, never the openid; a vote on a ``wechat`` ballot is stored under it.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request, Response

from vote_api.core.cookies import Cookie, SignedValue, is_https
from vote_api.core.settings import IPNetwork
from vote_api.voting.proofs.wechat.states import STATE_TTL

STATE_COOKIE = "szmqa_wechat_state"
SESSION_COOKIE = "szmqa_wechat"
SESSION_TTL = timedelta(minutes=30)


@dataclass(frozen=True)
class VerifiedWechat:
    """A voter WeChat vouched for: the keyed hash of their openid, until when it counts."""

    key: str
    until: datetime


class WechatCookies:
    """Issues and reads the state cookie (per authorisation) and the session cookie."""

    def __init__(self, secret: bytes, trusted_proxies: list[IPNetwork]) -> None:
        self._state_signed = SignedValue(secret, "wechat-state")
        self._session_signed = SignedValue(secret, "wechat-session")
        # Lax: the callback is a top-level navigation coming back from WeChat's page.
        self._state = Cookie(STATE_COOKIE, "/api/wechat", "lax", int(STATE_TTL.total_seconds()))
        self._session = Cookie(SESSION_COOKIE, "/api", "lax", int(SESSION_TTL.total_seconds()))
        self._trusted_proxies = trusted_proxies

    def _secure(self, request: Request) -> bool:
        return is_https(request, self._trusted_proxies)

    def give_state(self, request: Request, response: Response, state: str) -> None:
        """Bind a started authorisation to this browser."""
        self._state.set(response, self._state_signed.sign(state), secure=self._secure(request))

    def state_matches(self, request: Request, state: str) -> bool:
        """Whether the browser holds the signed cookie of this very state."""
        held = self._state_signed.unsign(self._state.read(request))
        return held is not None and hmac.compare_digest(held.encode(), state.encode())

    def drop_state(self, request: Request, response: Response) -> None:
        """Forget the state (it is used once)."""
        self._state.clear(response, secure=self._secure(request))

    def remember(self, request: Request, response: Response, voter: VerifiedWechat) -> None:
        """Set the verified voter's session."""
        payload = f"{voter.key}~{int(voter.until.timestamp())}"
        self._session.set(
            response, self._session_signed.sign(payload), secure=self._secure(request)
        )

    def read(self, request: Request, now: datetime) -> VerifiedWechat | None:
        """The verified voter of the request's session, or None (missing, forged or expired)."""
        payload = self._session_signed.unsign(self._session.read(request))
        if payload is None or payload.count("~") != 1:
            return None
        key, _, until = payload.partition("~")
        try:
            expires = datetime.fromtimestamp(int(until), tz=now.tzinfo)
        except (ValueError, OverflowError, OSError):
            return None
        if not key or expires <= now:
            return None
        return VerifiedWechat(key=key, until=expires)
