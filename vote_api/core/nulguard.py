"""A pure ASGI middleware that refuses NUL characters, which PostgreSQL text cannot hold.

A NUL (U+0000) in the path, the query string, a JSON string (``\\u0000``) or a form field
(``%00``) would reach PostgreSQL as text and fail the statement: a 500 for input that no
person types. It is refused with a 400 first: at once for the path and query, and for a
body while it streams (the app's own answer is then replaced). Multipart bodies are not
scanned: their files are binary, and their fields are checked by the objection form.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from vote_api.core.bodylimit import run_checking_body
from vote_api.core.errors import send_refusal

NUL_REFUSED = "请求中含有空字符（NUL，U+0000），无法处理；请删去后重新提交"
#: How a NUL looks in each scanned body type.
_BODY_MARKS = {
    b"application/json": b"\\u0000",
    b"application/x-www-form-urlencoded": b"%00",
}


def _has_nul(text: bytes) -> bool:
    return b"\x00" in text or b"%00" in text


def _body_mark(scope: Scope) -> bytes | None:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return _BODY_MARKS.get(value.split(b";", 1)[0].strip().lower())
    return None


class NulGuard:
    """Refuse requests under ``prefixes`` that carry a NUL character, with a Chinese 400."""

    def __init__(self, app: ASGIApp, prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or _has_nul(scope.get("query_string", b"")):
            await _refuse(send)
            return
        mark = _body_mark(scope)
        if mark is None:
            await self.app(scope, receive, send)
            return

        tail = b""

        def without_nul(chunk: bytes) -> bool:
            nonlocal tail
            window = tail + chunk
            tail = window[-(len(mark) - 1) :]  # a mark split across two chunks is found too
            return b"\x00" not in window and mark not in window

        await run_checking_body(self.app, scope, receive, send, without_nul, _refuse)


async def _refuse(send: Send) -> None:
    await send_refusal(send, 400, "nul_character", NUL_REFUSED)
