"""The objection pages: the inbox, its CSV export, a case, its files, moving it along."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from vote_api.console import guard
from vote_api.console.deps import HandlerDep
from vote_api.console.pages.shared import FormText, QueryText, done_message, see_other
from vote_api.console.render import error_page, page
from vote_api.console.schemas import FormError, TransitionForm, page_number
from vote_api.console.sessions import Signed
from vote_api.core.audit import AuditAction, record
from vote_api.core.deps import ContentDep, DatabaseDep, NowDep, StateDep
from vote_api.core.downloads import csv_download
from vote_api.core.errors import APIError
from vote_api.core.state import CoreState
from vote_api.core.timeutil import from_db
from vote_api.objections import cases, handling
from vote_api.objections.cases import CaseFilter
from vote_api.objections.deps import ObjectionsDep
from vote_api.objections.downloads import attachment_response
from vote_api.objections.models import TRANSITIONS, CaseStatus, Reason
from vote_api.objections.service import Objections

router = APIRouter(prefix="/admin")
INBOX_PAGE = 50


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
    found, counts = await db.run(lambda session: cases.find_cases(session, filters))
    today = now.date()
    rows = []
    for case in found[:INBOX_PAGE]:
        summary = cases.summary(case, content, counts.get(case.id or 0, 0))
        age = cases.case_age(
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
        has_next=len(found) > INBOX_PAGE,
        query=query,
        target=cases.HANDLING_TARGET_DAYS,
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
        lambda session: handling.export_csv(session, content, filters, signed.name, now)
    )
    return csv_download(text, f"objections-{now:%Y%m%d-%H%M}.csv")


async def _case_page(
    request: Request,
    signed: Signed,
    state: CoreState,
    objections: Objections,
    case_number: str,
    *,
    reveal: bool = False,
    status: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    now = state.now()

    def work(session: Session) -> dict[str, Any]:
        detail = cases.read_case(session, objections, state.content, case_number, signed.name, now)
        if reveal:
            record(
                session,
                at=now,
                actor=signed.name,
                action=AuditAction.OBJECTION_REVEAL,
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
    age = cases.case_age(
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
        done=done_message(request.query_params.get("done")),
    )


@router.get("/objections/{case_number}")
async def case(
    request: Request,
    case_number: str,
    signed: HandlerDep,
    state: StateDep,
    objections: ObjectionsDep,
) -> Response:
    """A case: grounds, statement, files, legal next steps, history; personal data hidden."""
    return await _case_page(request, signed, state, objections, case_number)


@router.post("/objections/{case_number}/reveal")
async def reveal(
    request: Request,
    case_number: str,
    signed: HandlerDep,
    state: StateDep,
    objections: ObjectionsDep,
) -> Response:
    """The case page with the reporter's personal data shown (each reveal is audited)."""
    return await _case_page(request, signed, state, objections, case_number, reveal=True)


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
            lambda session: cases.file_for_download(
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
    objections: ObjectionsDep,
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
            request,
            signed,
            state,
            objections,
            case_number,
            status=422,
            error=str(error),
            form=typed,
        )
    now = state.now()

    def work(session: Session) -> dict[str, Any]:
        current = cases.get_case(session, case_number)
        if current.status != form.from_status.value:
            now_label = CaseStatus(current.status).label
            raise APIError(
                409,
                "case_changed",
                f"案件 {current.case_number} 已被他人改为“{now_label}”，本次操作未执行；"
                "请查看最新状态后再处理",
            )
        return handling.move_case(
            session,
            objections,
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
            request,
            signed,
            state,
            objections,
            case_number,
            status=error.status,
            error=error.message,
        )
    return see_other(f"/admin/objections/{quote(moved['case_number'])}?done=moved")
