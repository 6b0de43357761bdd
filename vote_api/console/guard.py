"""Who may open a console page: a live session, a role that allows it, a CSRF token on POST."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import Request
from starlette.responses import Response

from vote_api.console import sessions
from vote_api.console.models import Role
from vote_api.console.sessions import Signed
from vote_api.core.cookies import Cookie, is_https
from vote_api.core.state import core_state

SIGN_IN_PATH = "/admin/sign-in"
#: Console routes anyone may open (the sign-in and enrolment forms, with their own CSRF).
PUBLIC_ROUTES = frozenset(
    {
        ("GET", "/admin/sign-in"),
        ("POST", "/admin/sign-in"),
        ("GET", "/admin/enrol/{token}"),
        ("POST", "/admin/enrol/{token}"),
    }
)


class ConsoleRedirect(Exception):
    """Send the browser elsewhere (to sign in)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


class ConsoleRefusal(Exception):
    """A refused console request, shown as a Chinese HTML page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def secure_cookies(request: Request) -> bool:
    """Whether cookies get the Secure flag: behind https, and always in production."""
    settings = core_state(request.app).settings
    return settings.environment == "production" or is_https(request, settings.trusted_proxies)


def _cookie(name: str) -> Cookie:
    return Cookie(name, sessions.COOKIE_PATH, "strict")


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    """A console cookie: HttpOnly, SameSite=Strict, scoped to /admin, Secure behind https."""
    _cookie(name).set(response, value, secure=secure_cookies(request))


def clear_cookie(request: Request, response: Response, name: str) -> None:
    """Remove a console cookie."""
    _cookie(name).clear(response, secure=secure_cookies(request))


def form_token(request: Request) -> str:
    """The CSRF token of the sign-in/enrolment form: the browser's, or a new one."""
    return request.cookies.get(sessions.FORM_COOKIE) or secrets.token_urlsafe(32)


async def check_form_token(request: Request) -> None:
    """Refuse a sign-in/enrolment POST whose token does not match its cookie (double submit)."""
    form = await request.form()
    presented = form.get("csrf")
    if not sessions.tokens_match(
        request.cookies.get(sessions.FORM_COOKIE), presented if isinstance(presented, str) else None
    ):
        raise ConsoleRefusal(403, "表单已过期或来源不明（缺少有效的防伪令牌），请刷新页面后重试")


def staff_for(role: Role) -> Callable[[Request], Awaitable[Signed]]:
    """A dependency: the signed-in person if their role allows ``role`` (and CSRF on POST)."""

    async def signed_in(request: Request) -> Signed:
        state = core_state(request.app)
        token = request.cookies.get(sessions.COOKIE, "")
        now = state.now()
        signed = await state.db.run(lambda session: sessions.load(session, token, now))
        if signed is None:
            if request.method == "GET":
                target = quote(request.url.path, safe="/")
                raise ConsoleRedirect(f"{SIGN_IN_PATH}?next={target}")
            raise ConsoleRedirect(SIGN_IN_PATH)
        if not signed.role.allows(role):
            raise ConsoleRefusal(
                403, f"“{signed.role.label}”角色不能进行此操作（需要“{role.label}”或更高角色）"
            )
        if request.method == "POST":
            form = await request.form()
            presented = form.get("csrf")
            if not sessions.tokens_match(
                signed.csrf_token, presented if isinstance(presented, str) else None
            ):
                raise ConsoleRefusal(
                    403, "表单缺少有效的防伪令牌（CSRF），操作未执行；请刷新页面后重试"
                )
        request.state.signed = signed
        return signed

    signed_in.role = role  # type: ignore[attr-defined]
    return signed_in
