"""The secretariat's console under /admin: server-rendered pages over the features' services.

Every page needs a live session whose role allows it (``vote_api.deps``: ObserverDep,
HandlerDep, StaffAdminDep); every POST carries the session's CSRF token; every action is
written to the audit log under the person's name.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from vote_api.console import accounts, guard, pages, sessions
from vote_api.console.models import Role, Staff
from vote_api.console.qr import qr_svg
from vote_api.console.render import error_page, page
from vote_api.console.schemas import (
    FILTER_MAX,
    REASON_MAX,
    REASON_MIN,
    ClusterForm,
    FormError,
    InvalidateForm,
    TransitionForm,
    optional_day,
    page_number,
    text_field,
)
from vote_api.console.totp import provisioning_uri
from vote_api.core.audit import record
from vote_api.core.downloads import download_headers
from vote_api.core.errors import APIError
from vote_api.core.timeutil import from_db
from vote_api.deps import (
    CatalogDep,
    ContentDep,
    DatabaseDep,
    HandlerDep,
    NowDep,
    ObjectionsDep,
    ObserverDep,
    StaffAdminDep,
    StateDep,
)
from vote_api.objections import service as objections_service
from vote_api.objections.downloads import attachment_response
from vote_api.objections.models import TRANSITIONS, CaseStatus, Reason
from vote_api.objections.service import CaseFilter
from vote_api.state import app_state
from vote_api.voting import review
from vote_api.voting.catalog import BallotEntry

router = APIRouter(prefix="/admin", include_in_schema=False)

FormText = Annotated[str | None, Form()]
QueryText = Annotated[str | None, Query()]
INBOX_PAGE = 50
DONE = {
    "invalidated": "已作废该选票，理由已记入审计日志。",
    "cluster-invalidated": "已作废该聚类的全部有效选票，理由和涉及的选票编号已记入审计日志。",
    "moved": "案件状态已更新。",
    "enrolled": "设置完成，请用密码和验证器中的动态验证码登录。",
    "signed-out": "已退出登录。",
    "disabled": "已停用该账户，其登录会话已全部结束。",
}


def _done(code: str | None) -> str | None:
    return DONE.get(code or "")


def _see_other(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303)


def _entry(catalog: Any, ballot_id: str) -> BallotEntry:
    try:
        return catalog.get(ballot_id)
    except APIError as error:
        raise guard.ConsoleRefusal(error.status, error.message) from None


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a console path only (never another host)."""
    if target and target.startswith("/admin") and "//" not in target and "\\" not in target:
        return target
    return "/admin/"


# -- signing in and enrolling -------------------------------------------------------------------


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
        next=_safe_next(request.query_params.get("next")),
        done=_done(request.query_params.get("done")),
    )
    guard.set_cookie(request, response, sessions.FORM_COOKIE, token)
    return response


@router.get("")
async def console_root() -> RedirectResponse:
    """/admin → /admin/."""
    return _see_other("/admin/")


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
    """Check password and code; on success a new session (a new id) and its cookie."""
    await guard.check_form_token(request)
    now = state.now()
    sealer = state.objections.sealer
    previous = request.cookies.get(sessions.COOKIE)

    def work(session: Session) -> tuple[str, sessions.Signed]:
        staff = accounts.authenticate(session, sealer, name or "", password or "", code or "", now)
        return sessions.start(session, staff, now, previous)

    try:
        token, _ = await state.db.run(work)
    except accounts.SignInRefused as refused:
        return _sign_in_page(request, status=401, error=str(refused), name=(name or "")[:40])
    response = _see_other(_safe_next(next))
    guard.set_cookie(request, response, sessions.COOKIE, token)
    guard.clear_cookie(request, response, sessions.FORM_COOKIE)
    return response


async def _enrol_page(
    request: Request, state: Any, token: str, *, status: int = 200, error: str | None = None
) -> Response:
    now = state.now()
    sealer = state.objections.sealer

    def work(session: Session) -> tuple[str, str] | None:
        staff = accounts.staff_for_enrolment(session, token, now)
        if staff is None:
            return None
        return staff.name, accounts.enrolment_secret(session, staff, sealer)

    found = await state.db.run(work)
    if found is None:
        return error_page(request, 404, "设置链接无效、已使用或已过期，请向管理员索取新的链接。")
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
    sealer = state.objections.sealer

    def work(session: Session) -> bool:
        staff = accounts.staff_for_enrolment(session, token, now)
        if staff is None:
            return False
        accounts.complete_enrolment(
            session, staff, sealer, password or "", repeat or "", code or "", now
        )
        return True

    try:
        done = await state.db.run(work)
    except accounts.AccountError as error:
        return await _enrol_page(request, state, token, status=422, error=str(error))
    if not done:
        return error_page(request, 404, "设置链接无效、已使用或已过期，请向管理员索取新的链接。")
    return _see_other("/admin/sign-in?done=enrolled")


@router.post("/sign-out")
async def sign_out(request: Request, signed: ObserverDep, db: DatabaseDep, now: NowDep) -> Response:
    """End the session (audited) and forget the cookie."""
    await db.run(lambda session: sessions.end(session, signed, now))
    response = _see_other("/admin/sign-in?done=signed-out")
    guard.clear_cookie(request, response, sessions.COOKIE)
    return response


# -- overview and ballots -----------------------------------------------------------------------


@router.get("/")
async def overview(
    request: Request, signed: ObserverDep, state: StateDep, catalog: CatalogDep, now: NowDep
) -> Response:
    """Windows open now and next, votes today, new and overdue cases, alerts."""
    data = await state.db.run(lambda session: pages.overview(session, catalog, now))
    alerts = []
    uri = state.settings.ratelimit_storage_uri
    if await anyio.to_thread.run_sync(pages.shared_storage_down, state.limiter, uri):
        alerts.append("限流存储（Redis）无法连接：各进程暂按各自内存计数，请检查 Redis")
    alerts += data["cluster_alerts"]
    budget = state.settings.sms_daily_budget
    if data["sms_today"] >= budget * 0.8:
        alerts.append(f"今日已发送短信验证码 {data['sms_today']} 条，接近或超过预算 {budget} 条")
    if data["cases"]["overdue"]:
        alerts.append(f"有 {data['cases']['overdue']} 件异议超过 10 个工作日未办结")
    return page(
        request,
        "overview.html",
        signed=signed,
        now=now,
        alerts=alerts,
        **data,
    )


@router.get("/ballots")
async def ballots(
    request: Request, signed: ObserverDep, db: DatabaseDep, catalog: CatalogDep, now: NowDep
) -> Response:
    """Every ballot with its state and today's votes."""
    rows = await db.run(lambda session: pages.ballot_rows(session, catalog, now))
    return page(request, "ballots.html", signed=signed, ballots=rows)


async def _ballot_page(
    request: Request,
    signed: Any,
    db: Any,
    entry: BallotEntry,
    now: Any,
    day: date | None,
    *,
    status: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    chosen = day if day is not None and day in pages.window_days(entry) else None
    chosen = chosen or pages.default_day(entry, now)

    def work(session: Session) -> dict[str, Any]:
        view = pages.ballot_view(session, entry, now, chosen)
        view["clusters"] = pages.cluster_rows(session, entry)
        record(session, at=now, actor=signed.name, action="tally.view", target=entry.id)
        session.commit()
        return view

    view = await db.run(work)
    return page(
        request,
        "ballot.html",
        signed=signed,
        status=status,
        error=error,
        form=form or {},
        done=_done(request.query_params.get("done")),
        reason_min=REASON_MIN,
        reason_max=REASON_MAX,
        **view,
    )


@router.get("/ballots/{ballot_id}")
async def ballot(
    request: Request,
    ballot_id: str,
    signed: ObserverDep,
    db: DatabaseDep,
    catalog: CatalogDep,
    now: NowDep,
    day: QueryText = None,
) -> Response:
    """A ballot's live tally, votes per hour, the latest votes and the invalidation form."""
    entry = _entry(catalog, ballot_id)
    try:
        chosen = optional_day(day, "日期")
    except FormError:
        chosen = None
    return await _ballot_page(request, signed, db, entry, now, chosen)


@router.post("/ballots/{ballot_id}/invalidate")
async def invalidate(
    request: Request,
    ballot_id: str,
    signed: StaffAdminDep,
    db: DatabaseDep,
    catalog: CatalogDep,
    now: NowDep,
    vote_id: FormText = None,
    reason: FormText = None,
    confirm: FormText = None,
) -> Response:
    """Invalidate one vote with a reason: first a confirmation page, then the act (audited)."""
    entry = _entry(catalog, ballot_id)
    typed = {"vote_id": (vote_id or "")[:20], "reason": (reason or "")[: REASON_MAX + 100]}
    try:
        form = InvalidateForm.parse(vote_id, reason)
    except FormError as error:
        return await _ballot_page(
            request, signed, db, entry, now, None, status=422, error=str(error), form=typed
        )

    def find(session: Session) -> dict[str, Any] | None:
        found = pages.recent_votes(session, entry, limit=1, vote_id=form.vote_id)
        return found[0] if found else None

    vote = await db.run(find)
    if vote is None or vote["invalidated"]:
        message = (
            f"投票“{entry.title}”中没有编号为 {form.vote_id} 的选票"
            if vote is None
            else f"编号为 {form.vote_id} 的选票已被作废，无需重复操作"
        )
        status = 404 if vote is None else 409
        return await _ballot_page(
            request, signed, db, entry, now, None, status=status, error=message, form=typed
        )
    return await _confirm_then_act(
        request,
        signed,
        db,
        entry,
        now,
        confirmed=confirm == "yes",
        confirm_page=("confirm_invalidate.html", {"vote": vote, "form": form}),
        act=lambda session: review.invalidate(
            session, form.vote_id, form.reason, actor=signed.name, now=now
        ),
        done="invalidated",
    )


@router.post("/ballots/{ballot_id}/clusters/invalidate")
async def invalidate_cluster(
    request: Request,
    ballot_id: str,
    signed: StaffAdminDep,
    db: DatabaseDep,
    catalog: CatalogDep,
    now: NowDep,
    cluster_id: FormText = None,
    reason: FormText = None,
    confirm: FormText = None,
) -> Response:
    """Invalidate a whole cluster with one reason: a confirmation page, then the act (audited)."""
    entry = _entry(catalog, ballot_id)
    typed = {"cluster_id": (cluster_id or "")[:80], "reason": (reason or "")[: REASON_MAX + 100]}
    try:
        form = ClusterForm.parse(cluster_id, reason)
    except FormError as error:
        return await _ballot_page(
            request, signed, db, entry, now, None, status=422, error=str(error), form=typed
        )
    rows = await db.run(lambda session: pages.cluster_rows(session, entry))
    cluster = next((row for row in rows if row["id"] == form.cluster_id), None)
    if cluster is None:
        return await _ballot_page(
            request,
            signed,
            db,
            entry,
            now,
            None,
            status=404,
            error="该异常聚类已不存在（可能已被处理或已变化），请查看最新列表",
            form=typed,
        )
    return await _confirm_then_act(
        request,
        signed,
        db,
        entry,
        now,
        confirmed=confirm == "yes",
        confirm_page=("confirm_cluster.html", {"cluster": cluster, "form": form}),
        act=lambda session: review.invalidate_cluster(
            session, entry.id, form.cluster_id, form.reason, actor=signed.name, now=now
        ),
        done="cluster-invalidated",
    )


async def _confirm_then_act(
    request: Request,
    signed: Any,
    db: Any,
    entry: BallotEntry,
    now: datetime,
    *,
    confirmed: bool,
    confirm_page: tuple[str, dict[str, Any]],
    act: Callable[[Session], Any],
    done: str,
) -> Response:
    """Until confirmed, the confirmation page; then the act, and back to the ballot page."""
    if not confirmed:
        template, context = confirm_page
        return page(request, template, signed=signed, entry=entry, **context)
    try:
        await db.run(act)
    except APIError as error:
        return await _ballot_page(
            request, signed, db, entry, now, None, status=error.status, error=error.message
        )
    return _see_other(f"/admin/ballots/{quote(entry.id)}?done={done}")


@router.get("/ballots/{ballot_id}/votes.csv")
async def export_votes(
    ballot_id: str, signed: HandlerDep, db: DatabaseDep, catalog: CatalogDep, now: NowDep
) -> Response:
    """Every vote of a ballot as CSV without personal data (audited)."""
    entry = _entry(catalog, ballot_id)
    text = await db.run(
        lambda session: review.export_csv(session, entry.id, actor=signed.name, now=now)
    )
    name = f"{entry.id}-votes.csv"
    return Response(
        ("\ufeff" + text).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers=download_headers(name),
    )


# -- objections ---------------------------------------------------------------------------------


def _case_filter(
    notice: str | None, entrant: str | None, status: str | None, page_text: str | None
) -> tuple[CaseFilter, int]:
    number = page_number(page_text)
    try:
        chosen = CaseStatus(status) if status else None
    except ValueError:
        chosen = None
    return (
        CaseFilter(
            notice=(notice or "").strip()[:90] or None,
            entrant=(entrant or "").strip()[:40] or None,
            status=chosen,
            limit=INBOX_PAGE + 1,
            offset=(number - 1) * INBOX_PAGE,
        ),
        number,
    )


@router.get("/objections")
async def inbox(
    request: Request,
    signed: HandlerDep,
    db: DatabaseDep,
    content: ContentDep,
    now: NowDep,
    notice: QueryText = None,
    entrant: QueryText = None,
    status: QueryText = None,
    page_: Annotated[str | None, Query(alias="page")] = None,
) -> Response:
    """Cases filtered by notice, entrant and status, with their age in working days."""
    filters, number = _case_filter(notice, entrant, status, page_)
    cases, counts = await db.run(lambda session: objections_service.find_cases(session, filters))
    today = now.date()
    rows = []
    for case in cases[:INBOX_PAGE]:
        summary = objections_service.summary(case, content, counts.get(case.id or 0, 0))
        age = pages.case_age(
            from_db(case.received_at), from_db(case.closed_at) if case.closed_at else None, today
        )
        rows.append({**summary, "age": age})
    notices = sorted({n.id for n in content.notices if n.meta.objections}, reverse=True)
    query = {k: v for k, v in (("notice", notice), ("entrant", entrant), ("status", status)) if v}
    return page(
        request,
        "inbox.html",
        signed=signed,
        rows=rows,
        filters=filters,
        statuses=list(CaseStatus),
        notices=notices,
        page_number=number,
        has_next=len(cases) > INBOX_PAGE,
        query=query,
        target=pages.HANDLING_TARGET_DAYS,
    )


@router.get("/objections/export.csv")
async def export_cases(
    signed: HandlerDep,
    db: DatabaseDep,
    content: ContentDep,
    now: NowDep,
    notice: QueryText = None,
    entrant: QueryText = None,
    status: QueryText = None,
) -> Response:
    """The matching cases as CSV without personal data (audited)."""
    filters, _ = _case_filter(notice, entrant, status, None)
    filters = CaseFilter(
        notice=filters.notice, entrant=filters.entrant, status=filters.status, limit=10_000
    )
    text = await db.run(
        lambda session: objections_service.export_csv(session, content, filters, signed.name, now)
    )
    name = f"objections-{now:%Y%m%d-%H%M}.csv"
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers=download_headers(name),
    )


async def _case_page(
    request: Request,
    signed: Any,
    state: Any,
    case_number: str,
    *,
    reveal: bool = False,
    status: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    now = state.now()

    def work(session: Session) -> dict[str, Any]:
        detail = objections_service.read_case(
            session, state.objections, state.content, case_number, signed.name, now
        )
        if reveal:
            record(
                session,
                at=now,
                actor=signed.name,
                action="objection.reveal",
                target=detail["case_number"],
            )
            session.commit()
        return detail

    try:
        detail = await state.db.run(work)
    except APIError as refused:
        return error_page(request, refused.status, refused.message)
    if not reveal:
        detail["reporter"] = None
    current = CaseStatus(detail["status"])
    closed = detail["closed_at"]
    age = pages.case_age(
        datetime.fromisoformat(detail["received_at"]),
        datetime.fromisoformat(closed) if closed else None,
        now.date(),
    )
    return page(
        request,
        "case.html",
        signed=signed,
        status=status,
        case=detail,
        revealed=reveal,
        current=current,
        next_statuses=TRANSITIONS[current],
        reason_labels={r.value: r.label for r in Reason},
        status_labels={s.value: s.label for s in CaseStatus},
        age=age,
        error=error,
        form=form or {},
        done=_done(request.query_params.get("done")),
    )


@router.get("/objections/{case_number}")
async def case(request: Request, case_number: str, signed: HandlerDep, state: StateDep) -> Response:
    """A case: grounds, statement, files, legal next steps, history; personal data hidden."""
    return await _case_page(request, signed, state, case_number)


@router.post("/objections/{case_number}/reveal")
async def reveal(
    request: Request, case_number: str, signed: HandlerDep, state: StateDep
) -> Response:
    """The case page with the reporter's personal data shown (each reveal is audited)."""
    return await _case_page(request, signed, state, case_number, reveal=True)


@router.get("/objections/{case_number}/files/{file_id}")
async def download(
    case_number: str,
    file_id: str,
    signed: HandlerDep,
    db: DatabaseDep,
    objections: ObjectionsDep,
    now: NowDep,
) -> Response:
    """An attachment, decrypted, always as a download (audited)."""
    if not file_id.isdigit() or len(file_id) > 12:
        raise guard.ConsoleRefusal(404, "附件编号不正确")
    try:
        case_row, row = await db.run(
            lambda session: objections_service.file_for_download(
                session, case_number, int(file_id), signed.name, now
            )
        )
        return await attachment_response(objections, case_row, row)
    except APIError as error:
        raise guard.ConsoleRefusal(error.status, error.message) from None


@router.post("/objections/{case_number}/transitions")
async def move(
    request: Request,
    case_number: str,
    signed: HandlerDep,
    state: StateDep,
    from_status: Annotated[str | None, Form(alias="from")] = None,
    to: FormText = None,
    note: FormText = None,
    reply: FormText = None,
) -> Response:
    """Move a case one legal step, with the reply where the workflow requires one."""
    typed = {"to": to or "", "note": (note or "")[:6000], "reply": (reply or "")[:6000]}
    try:
        form = TransitionForm.parse(from_status, to, note, reply)
    except FormError as error:
        return await _case_page(
            request, signed, state, case_number, status=422, error=str(error), form=typed
        )
    now = state.now()

    def work(session: Session) -> dict[str, Any]:
        current = objections_service.get_case(session, case_number)
        if current.status != form.from_status.value:
            now_label = CaseStatus(current.status).label
            raise APIError(
                409,
                "case_changed",
                f"案件 {current.case_number} 已被他人改为“{now_label}”，本次操作未执行；"
                "请查看最新状态后再处理",
            )
        return objections_service.move_case(
            session,
            state.objections,
            state.content,
            case_number=case_number,
            to=form.to,
            note=form.note,
            reply=form.reply,
            actor=signed.name,
            now=now,
        )

    try:
        moved = await state.db.run(work)
    except APIError as error:
        if error.status == 404:
            return error_page(request, 404, error.message)
        return await _case_page(
            request, signed, state, case_number, status=error.status, error=error.message
        )
    return _see_other(f"/admin/objections/{quote(moved['case_number'])}?done=moved")


# -- audit log ----------------------------------------------------------------------------------


@router.get("/audit")
async def audit_log(
    request: Request,
    signed: ObserverDep,
    db: DatabaseDep,
    actor: QueryText = None,
    action: QueryText = None,
    target: QueryText = None,
    since: QueryText = None,
    until: QueryText = None,
    page_: Annotated[str | None, Query(alias="page")] = None,
) -> Response:
    """The audit log, newest first, filtered by person, action, object and dates, in pages."""
    error = None
    try:
        filters = pages.AuditFilter(
            actor=text_field(actor, "人员", maximum=FILTER_MAX),
            action=text_field(action, "操作", maximum=FILTER_MAX),
            target=text_field(target, "对象", maximum=FILTER_MAX),
            since=optional_day(since, "起始日期"),
            until=optional_day(until, "截止日期"),
            page=page_number(page_),
        )
    except FormError as refused:
        error = str(refused)
        filters = pages.AuditFilter()

    def work(session: Session) -> tuple[list[dict[str, Any]], bool, list[str]]:
        entries, more = pages.audit_entries(session, filters)
        return entries, more, pages.audit_actors(session)

    entries, more, actors = await db.run(work)
    query = {
        key: value
        for key, value in (
            ("actor", filters.actor),
            ("action", filters.action),
            ("target", filters.target),
            ("since", filters.since.isoformat() if filters.since else ""),
            ("until", filters.until.isoformat() if filters.until else ""),
        )
        if value
    }
    return page(
        request,
        "audit.html",
        signed=signed,
        status=422 if error else 200,
        error=error,
        entries=entries,
        has_next=more,
        filters=filters,
        actors=actors,
        query=query,
    )


# -- staff --------------------------------------------------------------------------------------


async def _staff_page(
    request: Request,
    signed: Any,
    db: Any,
    *,
    status: int = 200,
    error: str | None = None,
    link: tuple[str, str] | None = None,
) -> Response:
    now = app_state(request.app).now()
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
        done=_done(request.query_params.get("done")),
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


async def _person(db: Any, staff_id: str) -> Staff:
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
    return _see_other("/admin/staff?done=disabled")


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
