"""Overload sheds: bounded in-flight work per worker on the expensive routes, a fast 503 past it.

Each route family (captcha issue, SMS send, objection filing, vote) admits at
most its bound of requests at once in this worker; one more is refused at once with 503,
``Retry-After`` and a Chinese message, before its body is read or any work is done. Work
admitted therefore finishes in about bound / throughput seconds however many clients wait,
instead of every client queueing behind every other (bench/bench_overload.py).

Staff sign-in is not shed: a flood of anonymous attempts would then hold every slot and turn
the owner away as well. Its cost is bounded by its own guard instead (the password-hashing
pool and the slow-down of vote_api/console/signin_guard.py), and the owner waits in turn.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from vote_api.core.errors import error_body
from vote_api.core.settings import Settings

log = logging.getLogger("vote_api.core.shedding")
#: One log line per family per this many seconds while it sheds, with the count.
LOG_INTERVAL = 60.0


@dataclass(frozen=True)
class Family:
    """Routes that share one in-flight bound: method, path pattern, bound, and what they do."""

    name: str
    method: str
    path: re.Pattern[str]
    bound: int
    #: What the person was doing, for the message ("取验证码").
    action: str


def overload_families(settings: Settings, api: str = "/api") -> list[Family]:
    """The expensive routes and their bounds from the settings."""
    return [
        Family("captcha", "POST", re.compile(rf"{api}/captchas/?"), settings.inflight_captchas, "取验证码"),
        Family("sms", "POST", re.compile(rf"{api}/phone/codes/?"), settings.inflight_sms, "发送短信验证码"),
        Family(
            "objection", "POST", re.compile(rf"{api}/notices/[^/]+/objections/?"),
            settings.inflight_objections, "提交异议",
        ),
        Family("vote", "POST", re.compile(rf"{api}/ballots/[^/]+/votes/?"), settings.inflight_votes, "投票"),
    ]  # fmt: skip


def overload_message(action: str, retry_after: int) -> str:
    """The Chinese message of a shed request."""
    return (
        f"此刻{action}的人数过多，服务器正忙，这次请求没有被处理（不计入任何次数）。"
        f"请约 {retry_after} 秒后重试"
    )


class InFlightBound:
    """ASGI middleware: refuse a request of a family at its bound with 503 and Retry-After."""

    def __init__(self, app: ASGIApp, families: Sequence[Family], retry_after: int) -> None:
        self.app = app
        self.families = list(families)
        self.retry_after = retry_after
        self.in_flight = {family.name: 0 for family in self.families}
        self.shed = {family.name: 0 for family in self.families}
        self._logged: dict[str, tuple[float, int]] = {}
        self._bodies = {
            family.name: self._body(family) for family in self.families
        }  # built once: a refusal costs no encoding

    def _body(self, family: Family) -> tuple[bytes, bytes]:
        message = overload_message(family.action, self.retry_after)
        if family.path.pattern.startswith("/admin"):  # a browser form: a page, not JSON
            return b"text/plain; charset=utf-8", message.encode()
        body = json.dumps(error_body("overloaded", message), ensure_ascii=False).encode()
        return b"application/json", body

    def family_of(self, scope: Scope) -> Family | None:
        """The family of a request, if it belongs to one."""
        if scope["type"] != "http":
            return None
        for family in self.families:
            if scope["method"] == family.method and family.path.fullmatch(scope["path"]):
                return family
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        family = self.family_of(scope)
        if family is None:
            await self.app(scope, receive, send)
            return
        if self.in_flight[family.name] >= family.bound:
            await self._refuse(family, send)
            return
        self.in_flight[family.name] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight[family.name] -= 1

    async def _refuse(self, family: Family, send: Send) -> None:
        self.shed[family.name] += 1
        self._note(family.name)
        content_type, body = self._bodies[family.name]
        headers = [
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(self.retry_after).encode()),
            (b"cache-control", b"no-store"),
            (b"connection", b"close"),  # its body, if any, is never read
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _note(self, name: str) -> None:
        now = time.monotonic()
        last, counted = self._logged.get(name, (-LOG_INTERVAL, 0))
        if now - last < LOG_INTERVAL:
            self._logged[name] = (last, counted + 1)
            return
        self._logged[name] = (now, 0)
        log.warning("overloaded: shedding %s requests (%d shed since the last line)", name, counted)
