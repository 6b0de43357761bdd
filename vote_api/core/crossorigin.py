"""Refuse state-changing API requests sent from another site (cross-site request forgery).

A browser says where a request comes from: ``Sec-Fetch-Site`` (``same-origin``, ``none`` for
a typed address, ``same-site`` or ``cross-site``) and, on every POST, ``Origin``. A request
that shows another origin is refused with 403 before the app reads its body; a request with
neither header (curl, scripts, the secretariat's tools) is not a browser and goes through.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from vote_api.core.errors import error_body

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Sec-Fetch-Site values of a request a person made on this site (or typed in).
TRUSTED_FETCH_SITES = frozenset({b"same-origin", b"none"})
CROSS_SITE_MESSAGE = (
    "拒绝来自其他网站的请求：请在本网站的页面上操作（投票、提出异议等），不要通过其他网站提交"
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_and_port(netloc: str, scheme: str | None) -> tuple[str, int | None]:
    parts = urlsplit(f"//{netloc}")
    port = parts.port or (_DEFAULT_PORTS.get(scheme) if scheme else None)
    return (parts.hostname or "").lower(), port


def same_origin(origin: str, host: str) -> bool:
    """Whether an ``Origin`` header names the host the request was sent to (its ``Host``)."""
    try:
        parts = urlsplit(origin)
        origin_host, origin_port = _host_and_port(parts.netloc, parts.scheme)
        target_host, target_port = _host_and_port(host, None)
    except ValueError:
        return False
    if not origin_host or origin_host != target_host:
        return False
    # A proxy may pass the host without its port (nginx's $host): the names then decide.
    return target_port is None or origin_port == target_port


def cross_site(scope: Scope) -> bool:
    """Whether a request's headers show that a page of another site sent it."""
    headers = dict(scope.get("headers", []))
    fetch_site = headers.get(b"sec-fetch-site")
    if fetch_site is not None and fetch_site.lower() not in TRUSTED_FETCH_SITES:
        return True
    origin = headers.get(b"origin")
    if origin is None:
        return False
    host = headers.get(b"host", b"").decode("latin-1")
    return not same_origin(origin.decode("latin-1"), host)


class CrossSiteGuard:
    """Refuse with 403 every non-GET request under ``prefix`` that another site sent."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] not in SAFE_METHODS
            and scope["path"].startswith(self.prefix + "/")
            and cross_site(scope)
        ):
            body = json.dumps(
                error_body("cross_site_refused", CROSS_SITE_MESSAGE), ensure_ascii=False
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)
