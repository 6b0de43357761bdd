"""A local fake of WeChat's OAuth 2.0 web authorisation: the authorize page and the code exchange.

As WeChat does: the authorize page (for the right app id, scope snsapi_base) comes back to
``redirect_uri`` with a one-time ``code`` and the ``state``, or without a code when the person
declines; ``/sns/oauth2/access_token`` answers the openid once per code, and errcode 40029
(invalid or expired code: 5 minutes), 40163 (code been used) or 40125 (wrong secret).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from fastapi import FastAPI
from fastapi.responses import JSONResponse, RedirectResponse

APP_ID = "wx0123456789abcdef"
APP_SECRET = "fake-service-account-secret-0123"
CODE_SECONDS = 300


@dataclass
class FakeWechat:
    """The fake's state: who is signed in to WeChat, the codes it gave out, what it was asked."""

    openid: str = "oFAKE-openid-of-the-voter-0001"
    declines: bool = False
    down: bool = False
    offset: float = 0.0  # seconds added to the fake's clock (to expire codes)
    codes: dict[str, tuple[str, float]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    authorize_queries: list[dict[str, str]] = field(default_factory=list)
    exchange_queries: list[dict[str, str]] = field(default_factory=list)

    def now(self) -> float:
        return time.time() + self.offset

    def app(self) -> FastAPI:
        """The fake as an ASGI app (run it with ``live_server``)."""
        app = FastAPI()

        @app.get("/connect/oauth2/authorize")
        async def authorize(
            appid: str, redirect_uri: str, response_type: str, scope: str, state: str = ""
        ) -> RedirectResponse:
            self.authorize_queries.append(
                {"appid": appid, "redirect_uri": redirect_uri, "scope": scope, "state": state}
            )
            assert appid == APP_ID and response_type == "code" and scope == "snsapi_base"
            if self.declines:
                return RedirectResponse(f"{redirect_uri}?{urlencode({'state': state})}", 302)
            code = secrets.token_hex(16)
            self.codes[code] = (self.openid, self.now())
            query = urlencode({"code": code, "state": state})
            return RedirectResponse(f"{redirect_uri}?{query}", 302)

        @app.get("/sns/oauth2/access_token")
        async def access_token(appid: str, secret: str, code: str, grant_type: str) -> JSONResponse:
            self.exchange_queries.append({"appid": appid, "code": code, "grant_type": grant_type})
            if self.down:
                return JSONResponse({"errcode": -1, "errmsg": "system error"}, status_code=200)
            if appid != APP_ID or secret != APP_SECRET:
                return JSONResponse({"errcode": 40125, "errmsg": "invalid appsecret"})
            if grant_type != "authorization_code":
                return JSONResponse({"errcode": 40002, "errmsg": "invalid grant_type"})
            if code in self.used:
                return JSONResponse({"errcode": 40163, "errmsg": "code been used"})
            issued = self.codes.get(code)
            if issued is None or self.now() - issued[1] > CODE_SECONDS:
                return JSONResponse({"errcode": 40029, "errmsg": "invalid code"})
            self.used.add(code)
            return JSONResponse(
                {
                    "access_token": "ACCESS-" + secrets.token_hex(8),
                    "expires_in": 7200,
                    "refresh_token": "REFRESH-" + secrets.token_hex(8),
                    "openid": issued[0],
                    "scope": "snsapi_base",
                }
            )

        return app
