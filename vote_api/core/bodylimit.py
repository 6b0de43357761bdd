"""A pure ASGI middleware that caps a request body while it streams.

A declared Content-Length over the cap is refused before a byte is read; a body that grows
past the cap (chunked, or lying about its length) is cut off at the first chunk beyond it:
the app is told the body failed, and whatever it was about to answer is replaced by a 413.
Nothing is buffered here; the app reads the body chunk by chunk as before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vote_api.core.errors import error_body


class BodyTooLarge(Exception):
    """Raised into the app's read of the body when the body passes the cap."""


def _too_large_message(limit: int) -> bytes:
    megabytes = limit / (1024 * 1024)
    text = f"请求内容超过 {megabytes:g} MB 的上限，请减少或压缩附件后重新提交"
    return json.dumps(error_body("request_too_large", text), ensure_ascii=False).encode()


async def _send_413(send: Send, limit: int) -> None:
    body = _too_large_message(limit)
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Cap the bodies of requests that ``limit_for(method, path)`` gives a limit for."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str, str], int | None]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["method"], scope["path"])
        if limit is None:
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await _send_413(send, limit)
                    return

        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _send_413(send, limit)
                return  # the app's own answer is dropped: the body was refused
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            if not started:
                started = True
                await _send_413(send, limit)


def path_matcher(pattern: str, limit: Callable[[], int]) -> Callable[[str, str], int | None]:
    """A ``limit_for`` that caps POST requests whose path matches ``pattern``."""
    compiled = re.compile(pattern)

    def limit_for(method: str, path: str) -> int | None:
        return limit() if method == "POST" and compiled.fullmatch(path) else None

    return limit_for


#: Every API body but the objection filing (votes, captchas, follow-ups, admin actions) is
#: small JSON; anything bigger is refused while it streams, before it is buffered.
SMALL_BODY_BYTES = 64 * 1024


def api_body_limits(
    prefix: str, upload_path: str, upload_bytes: int
) -> Callable[[str, str], int | None]:
    """The body cap of each API route: ``upload_bytes`` on the upload route, 64 KiB otherwise."""
    upload = path_matcher(upload_path, lambda: upload_bytes)
    other = path_matcher(rf"{re.escape(prefix)}/.*", lambda: SMALL_BODY_BYTES)

    def limit_for(method: str, path: str) -> int | None:
        return upload(method, path) or other(method, path)

    return limit_for
