"""Reading cases: a reporter following theirs, the secretariat's list and case pages.

Reading a case's personal data and downloading its files are audited in the transaction that
reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from award.calendar import add_working_days, working_days
from award.content import Content
from award.errors import AwardError
from award.models import DEMO_PREFIX
from award.moments import SHANGHAI
from vote_api.core import audit
from vote_api.core.audit import AuditAction
from vote_api.core.crypto import Sealer, SealError
from vote_api.core.errors import APIError
from vote_api.core.timeutil import from_db
from vote_api.objections.models import (
    TRANSITIONS,
    CaseStatus,
    ObjectionCase,
    ObjectionEvent,
    ObjectionFile,
    Reason,
    ReporterKind,
    sealed_context,
)
from vote_api.objections.numbers import normalise_case_number, normalise_key
from vote_api.objections.service import Objections

NOT_FOUND = APIError(404, "case_not_found", "没有找到该案件，或查询密钥不正确，请核对后重试")
DECRYPT_FAILED = APIError(
    503,
    "decrypt_failed",
    "无法解密案件信息：加密密钥（SZMQA_ENCRYPTION_KEY）与保存时不一致，请联系系统管理员",
)


def entrant_name(content: Content, case: ObjectionCase) -> str:
    """The entrant's published name (its id if the year's data no longer has it)."""
    demo = case.notice_id.startswith(DEMO_PREFIX)
    entrant = content.entrant(case.year, case.entrant_id, demo)
    return entrant.display_name if entrant is not None else case.entrant_id


def notice_title(content: Content, notice_id: str) -> str:
    """The notice's title (its id if the notice is gone)."""
    notice = content.notice(notice_id)
    return notice.meta.title if notice is not None else notice_id


def _open_reply(sealer: Sealer, case: ObjectionCase) -> str | None:
    try:
        return sealer.open_text(case.reply_sealed, sealed_context(case.case_number, "reply"))
    except SealError:
        raise DECRYPT_FAILED from None


def follow_up(
    session: Session, objections: Objections, content: Content, case_number: str, key: str
) -> dict[str, Any]:
    """The status and reply of a case, for its reporter; a wrong key is the same 404 as no case."""
    number = normalise_case_number(case_number)
    case = session.exec(
        select(ObjectionCase).where(col(ObjectionCase.case_number) == number)
    ).first()
    stored = case.key_hash if case is not None else None
    if not objections.sealer.key_matches(number, normalise_key(key), stored) or case is None:
        raise NOT_FOUND
    status = CaseStatus(case.status)
    return {
        "case_number": case.case_number,
        "notice_id": case.notice_id,
        "notice_title": notice_title(content, case.notice_id),
        "entrant_id": case.entrant_id,
        "entrant_name": entrant_name(content, case),
        "status": status.value,
        "status_label": status.label,
        "received_at": from_db(case.received_at).isoformat(),
        "updated_at": from_db(case.updated_at).isoformat(),
        "reply": _open_reply(objections.sealer, case),
        "replied_at": from_db(case.replied_at).isoformat() if case.replied_at else None,
        "purged": case.purged_at is not None,
    }


@dataclass(frozen=True)
class CaseFilter:
    """Filters of the secretariat's case list."""

    notice: str | None = None
    entrant: str | None = None
    status: CaseStatus | None = None
    limit: int = 100
    offset: int = 0


def find_cases(session: Session, filters: CaseFilter) -> tuple[list[ObjectionCase], dict]:
    """Cases matching the filters, newest first, with the number of files of each."""
    query = select(ObjectionCase)
    if filters.notice:
        query = query.where(col(ObjectionCase.notice_id) == filters.notice)
    if filters.entrant:
        query = query.where(col(ObjectionCase.entrant_id) == filters.entrant)
    if filters.status:
        query = query.where(col(ObjectionCase.status) == filters.status.value)
    query = query.order_by(col(ObjectionCase.received_at).desc(), col(ObjectionCase.id).desc())
    cases = list(session.exec(query.offset(filters.offset).limit(filters.limit)).all())
    ids = [c.id for c in cases]
    counts: dict[int, int] = {}
    if ids:
        for case_id in session.exec(
            select(ObjectionFile.case_id).where(col(ObjectionFile.case_id).in_(ids))
        ).all():
            counts[case_id] = counts.get(case_id, 0) + 1
    return cases, counts


def summary(case: ObjectionCase, content: Content, file_count: int) -> dict[str, Any]:
    """A case without personal data: what the list and the CSV export show."""
    status = CaseStatus(case.status)
    reasons = [Reason(code) for code in case.reasons.split(",") if code]
    return {
        "case_number": case.case_number,
        "notice_id": case.notice_id,
        "year": case.year,
        "entrant_id": case.entrant_id,
        "entrant_name": entrant_name(content, case),
        "reasons": [r.value for r in reasons],
        "reason_labels": [r.label for r in reasons],
        "reporter_kind": case.reporter_kind,
        "reporter_kind_label": ReporterKind(case.reporter_kind).label,
        "file_count": file_count,
        "status": status.value,
        "status_label": status.label,
        "next_statuses": [s.value for s in TRANSITIONS[status]],
        "received_at": from_db(case.received_at).isoformat(),
        "updated_at": from_db(case.updated_at).isoformat(),
        "closed_at": from_db(case.closed_at).isoformat() if case.closed_at else None,
        "purged": case.purged_at is not None,
    }


def get_case(session: Session, case_number: str) -> ObjectionCase:
    """A case by number, or 404."""
    number = normalise_case_number(case_number)
    case = session.exec(
        select(ObjectionCase).where(col(ObjectionCase.case_number) == number)
    ).first()
    if case is None:
        raise APIError(404, "case_not_found", f"没有编号为 {number} 的异议案件")
    return case


def read_case(
    session: Session,
    objections: Objections,
    content: Content,
    case_number: str,
    actor: str,
    now: datetime,
) -> dict[str, Any]:
    """A case with its decrypted personal data, files and history; the reading is audited."""
    case = get_case(session, case_number)
    sealer = objections.sealer
    number = case.case_number
    files = session.exec(
        select(ObjectionFile)
        .where(col(ObjectionFile.case_id) == case.id)
        .order_by(col(ObjectionFile.id))
    ).all()
    events = session.exec(
        select(ObjectionEvent)
        .where(col(ObjectionEvent.case_id) == case.id)
        .order_by(col(ObjectionEvent.id))
    ).all()
    audit.record(session, at=now, actor=actor, action=AuditAction.OBJECTION_READ, target=number)
    session.commit()
    detail = summary(case, content, len(files))
    try:
        _add_sealed_details(detail, sealer, case, files, events)
    except SealError:
        raise DECRYPT_FAILED from None
    return detail


def _add_sealed_details(
    detail: dict[str, Any],
    sealer: Sealer,
    case: ObjectionCase,
    files: Sequence[ObjectionFile],
    events: Sequence[ObjectionEvent],
) -> None:
    number = case.case_number
    detail.update(
        reporter=sealer.open_json(case.reporter_sealed, sealed_context(number, "reporter")),
        statement=sealer.open_text(case.statement_sealed, sealed_context(number, "statement")),
        reply=sealer.open_text(case.reply_sealed, sealed_context(number, "reply")),
        replied_at=from_db(case.replied_at).isoformat() if case.replied_at else None,
        files=[
            {
                "id": f.id,
                "role": f.role,
                "name": sealer.open_text(
                    f.name_sealed, sealed_context(number, f"file:{f.storage_name}")
                ),
                "extension": f.extension,
                "size": f.size,
                "purged": f.purged_at is not None,
            }
            for f in files
        ],
        history=[
            {
                "at": from_db(e.at).isoformat(),
                "actor": e.actor,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": sealer.open_text(e.note_sealed, sealed_context(number, "note")),
                "replied": e.replied,
            }
            for e in events
        ],
    )


def file_for_download(
    session: Session, case_number: str, file_id: int, actor: str, now: datetime
) -> tuple[ObjectionCase, ObjectionFile]:
    """A case's file record for download (404 if missing or purged); the download is audited."""
    case = get_case(session, case_number)
    row = session.exec(
        select(ObjectionFile).where(
            col(ObjectionFile.id) == file_id, col(ObjectionFile.case_id) == case.id
        )
    ).first()
    if row is None:
        raise APIError(
            404, "file_not_found", f"案件 {case.case_number} 没有编号为 {file_id} 的附件"
        )
    if row.purged_at is not None:
        raise APIError(410, "file_purged", "该附件已按保存期限清除")
    audit.record(
        session,
        at=now,
        actor=actor,
        action=AuditAction.OBJECTION_FILE_DOWNLOAD,
        target=case.case_number,
        file_id=row.id,
        role=row.role,
        size=row.size,
    )
    session.commit()
    return case, row


def download_name(case: ObjectionCase, row: ObjectionFile, sealer: Sealer) -> str:
    """The original file name, decrypted."""
    try:
        name = sealer.open_text(
            row.name_sealed, sealed_context(case.case_number, f"file:{row.storage_name}")
        )
    except SealError:
        name = None
    return name or f"{case.case_number}-{row.id}.{row.extension}"


def open_cases(session: Session) -> list[tuple[datetime, CaseStatus]]:
    """When each case not yet closed was received, and its status."""
    rows = session.exec(
        select(ObjectionCase.received_at, ObjectionCase.status).where(
            col(ObjectionCase.status) != CaseStatus.CLOSED.value
        )
    ).all()
    return [(from_db(received), CaseStatus(status)) for received, status in rows]


#: The secretariat's target for handling an objection, in working days after it arrives.
HANDLING_TARGET_DAYS = 10


@dataclass(frozen=True)
class CaseAge:
    """How long a case has been open in working days, its due date and whether it is late."""

    days: int | None
    due: date | None
    overdue: bool


def case_age(received: datetime, closed: datetime | None, today: date) -> CaseAge:
    """Working days from the day after receipt to today (or the closing day), vs. the target."""
    start = received.astimezone(SHANGHAI).date() + timedelta(days=1)
    end = closed.astimezone(SHANGHAI).date() if closed is not None else today
    try:
        due = add_working_days(start, HANDLING_TARGET_DAYS)
        days = working_days(start, end) if end >= start else 0
    except AwardError:  # a year whose holiday schedule is not known yet
        return CaseAge(days=None, due=None, overdue=False)
    return CaseAge(days=days, due=due, overdue=closed is None and today > due)
