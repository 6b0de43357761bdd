"""Response headers for every answer: no caching of API answers, no framing, no sniffing, a CSP.

A pure ASGI middleware: it adds headers to the response start and passes the body through.
API answers (under the API prefix) get ``Cache-Control: no-store`` (votes, receipts, cases,
tokens must never be kept by a browser or a proxy) and a policy that lets them load nothing;
site pages get the site's Content-Security-Policy (see ``csp.py``).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vote_api.core.csp import API_POLICY

#: Sent with every answer, page or API.
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    """Add the security headers; ``policies`` maps a path prefix to its own CSP (longest wins),
    a fixed one or one computed per request (a page whose policy follows the site's).

    ``site_policy`` gives the site pages' policy as currently published.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        api_prefix: str,
        site_policy: Callable[[], str],
        policies: dict[str, str | Callable[[], str]],
    ) -> None:
        self.app = app
        self.api_prefix = api_prefix
        self.site_policy = site_policy
        self.policies = sorted(policies.items(), key=lambda item: -len(item[0]))

    def _policy(self, path: str, is_api: bool) -> str:
        for prefix, policy in self.policies:
            if path == prefix or path.startswith(prefix + "/"):
                return policy if isinstance(policy, str) else policy()
        return API_POLICY if is_api else self.site_policy()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        is_api = path == self.api_prefix or path.startswith(self.api_prefix + "/")
        policy = self._policy(path, is_api)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON_HEADERS.items():
                    headers[name] = value
                if "content-security-policy" not in headers:  # downloads set a stricter one
                    headers["Content-Security-Policy"] = policy
                if is_api:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
