"""A pure ASGI middleware that caps a request body while it streams.

A declared Content-Length over the cap is refused before a byte is read; a body that grows
past the cap (chunked, or lying about its length) is cut off at the first chunk beyond it:
the app is told the body failed, and whatever it was about to answer is replaced by a 413.
Nothing is buffered here; the app reads the body chunk by chunk as before.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vote_api.core.errors import send_refusal


async def _send_413(send: Send, limit: int) -> None:
    megabytes = limit / (1024 * 1024)
    text = f"请求内容超过 {megabytes:g} MB 的上限，请减少或压缩附件后重新提交"
    await send_refusal(send, 413, "request_too_large", text)


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

        def within_limit(chunk: bytes) -> bool:
            nonlocal received
            received += len(chunk)
            return received <= limit

        await run_checking_body(
            self.app, scope, receive, send, within_limit, lambda out: _send_413(out, limit)
        )


class BodyRefused(Exception):
    """Raised into the app's read of the body when a middleware refuses the body."""


async def run_checking_body(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    accept: Callable[[bytes], bool],
    refuse: Callable[[Send], Awaitable[None]],
) -> None:
    """Run the app, giving each body chunk to ``accept`` as it streams in.

    Once ``accept`` says no, the app's read of the body fails, and whatever it was about to
    answer is replaced by ``refuse(send)``.
    """
    refused = False
    started = False

    async def checked_receive() -> Message:
        nonlocal refused
        if refused:
            return {"type": "http.disconnect"}
        message = await receive()
        if message["type"] == "http.request" and not accept(message.get("body", b"")):
            refused = True
            raise BodyRefused
        return message

    async def guarded_send(message: Message) -> None:
        nonlocal started
        if refused:
            if message["type"] == "http.response.start" and not started:
                started = True
                await refuse(send)
            return  # the app's own answer is dropped: the body was refused
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    try:
        await app(scope, checked_receive, guarded_send)
    except BodyRefused:
        if not started:
            started = True
            await refuse(send)


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
