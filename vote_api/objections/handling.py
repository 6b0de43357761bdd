"""The secretariat's work on cases: moving one along its workflow, exporting the list."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from award.content import Content
from vote_api.core import audit
from vote_api.core.audit import AuditAction
from vote_api.core.csvcells import safe_row
from vote_api.core.db import changed_rows
from vote_api.core.errors import APIError
from vote_api.core.timeutil import to_db
from vote_api.objections.cases import CaseFilter, find_cases, get_case, summary
from vote_api.objections.models import (
    DECISIONS,
    TRANSITIONS,
    CaseStatus,
    ObjectionCase,
    ObjectionEvent,
    ObjectionFile,
    sealed_context,
)
from vote_api.objections.service import Objections


def move_case(
    session: Session,
    objections: Objections,
    content: Content,
    *,
    case_number: str,
    to: CaseStatus,
    note: str,
    reply: str | None,
    actor: str,
    now: datetime,
) -> dict[str, Any]:
    """Move a case along its workflow (409 for an illegal move) with a note and a reply."""
    case = get_case(session, case_number)
    current = CaseStatus(case.status)
    if to not in TRANSITIONS[current]:
        allowed = "、".join(f"{s.label}（{s.value}）" for s in TRANSITIONS[current]) or "无"
        raise APIError(
            409,
            "illegal_transition",
            f"案件 {case.case_number} 当前为“{current.label}”，不能改为“{to.label}”；"
            f"可改为：{allowed}",
        )
    if to in DECISIONS and not reply:
        raise APIError(422, "reply_required", f"改为“{to.label}”时须填写给异议人的答复（reply）")
    sealer = objections.sealer
    number = case.case_number
    values: dict[str, Any] = {"status": to.value, "updated_at": to_db(now)}
    if to is CaseStatus.CLOSED:
        values["closed_at"] = to_db(now)
    if reply:
        values["reply_sealed"] = sealer.seal_text(reply, sealed_context(number, "reply"))
        values["replied_at"] = to_db(now)
    moved = changed_rows(
        session,
        update(ObjectionCase)
        .where(col(ObjectionCase.id) == case.id, col(ObjectionCase.status) == current.value)
        .values(**values),
    )
    if moved != 1:  # someone else moved it meanwhile
        session.rollback()
        raise APIError(409, "case_changed", f"案件 {number} 刚被他人处理，请刷新后重试")
    assert case.id is not None
    session.add(
        ObjectionEvent(
            case_id=case.id,
            at=to_db(now),
            actor=actor,
            from_status=current.value,
            to_status=to.value,
            replied=bool(reply),
            note_sealed=sealer.seal_text(note, sealed_context(number, "note")) if note else None,
        )
    )
    audit.record(
        session,
        at=now,
        actor=actor,
        action=AuditAction.OBJECTION_TRANSITION,
        target=number,
        from_status=current.value,
        to_status=to.value,
        note_chars=len(note),
        reply_chars=len(reply or ""),
    )
    session.commit()
    session.refresh(case)
    return summary(case, content, _file_count(session, case.id))


def _file_count(session: Session, case_id: int) -> int:
    return len(session.exec(select(ObjectionFile.id).where(ObjectionFile.case_id == case_id)).all())


CSV_COLUMNS = [
    ("case_number", "案件编号"),
    ("notice_id", "公示编号"),
    ("year", "年度"),
    ("entrant_id", "申报主体编号"),
    ("entrant_name", "申报主体"),
    ("reasons", "异议理由"),
    ("reporter_kind", "异议人类型"),
    ("file_count", "附件数"),
    ("status", "状态"),
    ("received_at", "收到时间"),
    ("updated_at", "最近处理时间"),
    ("closed_at", "办结时间"),
    ("purged", "个人信息已清除"),
]


def export_csv(
    session: Session, content: Content, filters: CaseFilter, actor: str, now: datetime
) -> str:
    """The matching cases as CSV (UTF-8 with BOM for spreadsheets), without personal data."""
    cases, counts = find_cases(session, filters)
    audit.record(
        session,
        at=now,
        actor=actor,
        action=AuditAction.OBJECTION_EXPORT,
        target="objection_case",
        rows=len(cases),
        notice=filters.notice,
        entrant=filters.entrant,
        status=filters.status.value if filters.status else None,
    )
    session.commit()
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([label for _, label in CSV_COLUMNS])
    for case in cases:
        row = summary(case, content, counts.get(case.id or 0, 0))
        row["reasons"] = "；".join(row["reason_labels"])
        row["reporter_kind"] = row["reporter_kind_label"]
        row["status"] = row["status_label"]
        row["purged"] = "是" if row["purged"] else "否"
        writer.writerow(safe_row(row[key] for key, _ in CSV_COLUMNS))
    return out.getvalue()
