"""Refuse console form posts sent from another site, as ``/api/`` refuses them.

The console's cookie is SameSite=Strict and every form carries a CSRF token; this is the
third wall: a POST whose ``Origin`` names another host, or whose ``Sec-Fetch-Site`` is not
``same-origin``/``none``, is refused with a Chinese 403 page before its session is looked up
or its body read, whatever cookie and token it carries.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from vote_api.console.render import error_page
from vote_api.core.crossorigin import SAFE_METHODS, cross_site

PREFIX = "/admin"
CONSOLE_CROSS_SITE_MESSAGE = (
    "拒绝来自其他网站的请求：请在秘书处工作台自身的页面上操作，"
    "不要通过其他网站、邮件或聊天中的链接提交表单；操作未执行"
)


class ConsoleCrossSiteGuard:
    """A 403 page for every non-GET console request that another site sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if (
            (path == PREFIX or path.startswith(PREFIX + "/"))
            and scope["method"] not in SAFE_METHODS
            and cross_site(scope)
        ):
            response = error_page(Request(scope), 403, CONSOLE_CROSS_SITE_MESSAGE)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
