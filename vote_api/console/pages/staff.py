"""The staff page: every account, adding people, disabling them, resetting two-factor."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from vote_api.console import accounts, guard
from vote_api.console.deps import StaffAdminDep
from vote_api.console.models import Role, Staff
from vote_api.console.pages.shared import FormText, done_message, see_other
from vote_api.console.render import page
from vote_api.console.sessions import Signed
from vote_api.core.db import Database
from vote_api.core.deps import DatabaseDep, NowDep
from vote_api.core.state import core_state

router = APIRouter(prefix="/admin")


async def _staff_page(
    request: Request,
    signed: Signed,
    db: Database,
    *,
    status: int = 200,
    error: str | None = None,
    link: tuple[str, str] | None = None,
) -> Response:
    now = core_state(request.app).now()
    people = [accounts.describe(person, now) for person in await db.run(accounts.list_staff)]
    return page(
        request,
        "staff.html",
        signed=signed,
        status=status,
        people=people,
        roles=list(Role),
        error=error,
        link=link,
        done=done_message(request.query_params.get("done")),
    )


def _enrol_link(request: Request, token: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/admin/enrol/{token}"


@router.get("/staff")
async def staff(request: Request, signed: StaffAdminDep, db: DatabaseDep) -> Response:
    """Every account with its role and state; add, disable, reset two-factor."""
    return await _staff_page(request, signed, db)


@router.post("/staff")
async def add_staff(
    request: Request,
    signed: StaffAdminDep,
    db: DatabaseDep,
    now: NowDep,
    name: FormText = None,
    role: FormText = None,
) -> Response:
    """Add a person; their one-time enrolment link is shown once."""
    try:
        chosen = Role.parse(role or "")
        token = await db.run(
            lambda session: accounts.add_staff(
                session, name or "", chosen, actor=signed.name, now=now
            )
        )
    except (ValueError, accounts.AccountError) as error:
        return await _staff_page(request, signed, db, status=422, error=str(error))
    return await _staff_page(
        request, signed, db, link=((name or "").strip(), _enrol_link(request, token))
    )


async def _person(db: Database, staff_id: str) -> Staff:
    person = (
        await db.run(lambda session: session.get(Staff, int(staff_id)))
        if staff_id.isdigit() and len(staff_id) < 12
        else None
    )
    if person is None:
        raise guard.ConsoleRefusal(404, "没有这个账户")
    return person


@router.post("/staff/{staff_id}/disable")
async def disable_staff(
    request: Request, staff_id: str, signed: StaffAdminDep, db: DatabaseDep, now: NowDep
) -> Response:
    """Disable an account (its sessions end at once)."""
    person = await _person(db, staff_id)
    if person.id == signed.staff_id:
        return await _staff_page(request, signed, db, status=409, error="不能停用自己的账户")
    try:
        await db.run(
            lambda session: accounts.disable_staff(session, person.name, actor=signed.name, now=now)
        )
    except accounts.AccountError as error:
        return await _staff_page(request, signed, db, status=409, error=str(error))
    return see_other("/admin/staff?done=disabled")


@router.post("/staff/{staff_id}/reset-2fa")
async def reset_two_factor(
    request: Request, staff_id: str, signed: StaffAdminDep, db: DatabaseDep, now: NowDep
) -> Response:
    """Forget an account's authenticator; a new enrolment link is shown once."""
    person = await _person(db, staff_id)
    try:
        token = await db.run(
            lambda session: accounts.reset_two_factor(
                session, person.name, actor=signed.name, now=now
            )
        )
    except accounts.AccountError as error:
        return await _staff_page(request, signed, db, status=409, error=str(error))
    return await _staff_page(request, signed, db, link=(person.name, _enrol_link(request, token)))
