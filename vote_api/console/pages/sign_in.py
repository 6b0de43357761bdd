"""Signing in, enrolling from a one-time link, and signing out."""

from __future__ import annotations

import asyncio
import math
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from vote_api.console import accounts, guard, sessions
from vote_api.console.deps import ObserverDep
from vote_api.console.pages.shared import FormText, done_message, see_other
from vote_api.console.render import error_page, page
from vote_api.console.signin_guard import SignInGuard
from vote_api.console.totp import provisioning_uri
from vote_api.core.client import address_network, request_address
from vote_api.core.deps import DatabaseDep, NowDep, StateDep
from vote_api.core.parts import part
from vote_api.core.qr import qr_svg
from vote_api.core.state import CoreState

router = APIRouter(prefix="/admin")
ENROL_LINK_GONE = "设置链接无效、已使用或已过期，请向管理员索取新的链接。"


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a console path only (never another host)."""
    if target and target.startswith("/admin") and "//" not in target and "\\" not in target:
        return target
    return "/admin/"


def _sign_in_page(
    request: Request, *, status: int = 200, error: str | None = None, name: str = ""
) -> Response:
    token = guard.form_token(request)
    response = page(
        request,
        "sign_in.html",
        status=status,
        csrf=token,
        error=error,
        name=name,
        next=safe_next(request.query_params.get("next")),
        done=done_message(request.query_params.get("done")),
    )
    guard.set_cookie(request, response, sessions.FORM_COOKIE, token)
    return response


@router.get("")
async def console_root() -> RedirectResponse:
    """/admin → /admin/."""
    return see_other("/admin/")


@router.get("/sign-in")
async def sign_in_form(request: Request) -> Response:
    """The sign-in form: name, password, the authenticator's code."""
    return _sign_in_page(request)


@router.post("/sign-in")
async def sign_in(
    request: Request,
    state: StateDep,
    name: FormText = None,
    password: FormText = None,
    code: FormText = None,
    next: FormText = None,
) -> Response:
    """Check password and code; on success a new session (a new id) and its cookie.

    The same answer, as slow, for an unknown name and a wrong password or code; a name and
    network that keep failing wait longer each time (``signin_guard``), no account is locked.
    """
    await guard.check_form_token(request)
    signin = part(request.app, SignInGuard)
    typed = (name or "").strip()[: accounts.NAME_MAX * 5]
    network = address_network(request_address(request))
    wait = signin.wait_for(typed, network, state.now())
    if wait > 0:
        return _sign_in_page(request, status=429, error=too_often(math.ceil(wait)), name=typed[:40])
    await asyncio.sleep(signin.slow_down(state.now()))
    account, known = await state.db.run(
        lambda session: accounts.account_for_sign_in(session, typed)
    )
    matches = await signin.verify(account.password_hash if account else None, password or "")
    now = state.now()
    previous = request.cookies.get(sessions.COOKIE)

    def finish(session: Session) -> tuple[str, sessions.Signed] | None:
        if account is None or not matches:
            _failed(session, signin, known, network, now)
            return None
        staff = accounts.finish_sign_in(session, state.sealer, account, code or "", now)
        return sessions.start(session, staff, now, previous)

    try:
        started = await state.db.run(finish)
    except accounts.SignInRefused:
        started = None
    if started is None:
        signin.failed(typed, network, now)
        refused = accounts.SIGN_IN_REFUSED
        return _sign_in_page(request, status=401, error=refused, name=typed[:40])
    signin.succeeded(typed, network)
    response = see_other(safe_next(next))
    guard.set_cookie(request, response, sessions.COOKIE, started[0])
    guard.clear_cookie(request, response, sessions.FORM_COOKIE)
    return response


def too_often(seconds: int) -> str:
    """What a name and network that keep failing are told (the same for any typed name)."""
    return f"从您的网络登录此账户名的失败次数过多，请 {seconds} 秒后再试；其他网络不受影响"


def _failed(
    session: Session, signin: SignInGuard, known: str | None, network: str, now: datetime
) -> None:
    """Audit a failed password: one row per failure on an account, a tally for unknown names."""
    if known is not None:
        accounts.record_failure(session, known, now, why="password")
        return
    tally = signin.unknown_failed(network, now)
    if tally is not None:
        accounts.record_failure(
            session,
            accounts.UNKNOWN_ACTOR,
            now,
            why="no_account",
            attempts=tally.attempts,
            networks=len(tally.networks),
        )


async def _enrol_page(
    request: Request, state: CoreState, token: str, *, status: int = 200, error: str | None = None
) -> Response:
    now = state.now()

    def work(session: Session) -> tuple[str, str] | None:
        staff = accounts.staff_for_enrolment(session, token, now)
        if staff is None:
            return None
        return staff.name, accounts.enrolment_secret(session, staff, state.sealer)

    found = await state.db.run(work)
    if found is None:
        return error_page(request, 404, ENROL_LINK_GONE)
    name, secret = found
    form = guard.form_token(request)
    response = page(
        request,
        "enrol.html",
        status=status,
        name=name,
        secret_groups=[secret[i : i + 4] for i in range(0, len(secret), 4)],
        secret=secret,
        qr=qr_svg(provisioning_uri(secret, name), label=f"{name} 的验证器二维码"),
        csrf=form,
        error=error,
        password_min=accounts.PASSWORD_MIN,
    )
    guard.set_cookie(request, response, sessions.FORM_COOKIE, form)
    return response


@router.get("/enrol/{token}")
async def enrol_form(request: Request, token: str, state: StateDep) -> Response:
    """A one-time enrolment page: the QR code and secret of the authenticator, a new password."""
    return await _enrol_page(request, state, token)


@router.post("/enrol/{token}")
async def enrol(
    request: Request,
    token: str,
    state: StateDep,
    password: FormText = None,
    repeat: FormText = None,
    code: FormText = None,
) -> Response:
    """Set the password and confirm the authenticator with its current code."""
    await guard.check_form_token(request)
    now = state.now()

    def work(session: Session) -> bool:
        staff = accounts.staff_for_enrolment(session, token, now)
        if staff is None:
            return False
        accounts.complete_enrolment(
            session, staff, state.sealer, password or "", repeat or "", code or "", now
        )
        return True

    try:
        done = await state.db.run(work)
    except accounts.AccountError as error:
        return await _enrol_page(request, state, token, status=422, error=str(error))
    if not done:
        return error_page(request, 404, ENROL_LINK_GONE)
    return see_other("/admin/sign-in?done=enrolled")


@router.post("/sign-out")
async def sign_out(request: Request, signed: ObserverDep, db: DatabaseDep, now: NowDep) -> Response:
    """End the session (audited) and forget the cookie."""
    await db.run(lambda session: sessions.end(session, signed, now))
    response = see_other("/admin/sign-in?done=signed-out")
    guard.clear_cookie(request, response, sessions.COOKIE)
    return response
