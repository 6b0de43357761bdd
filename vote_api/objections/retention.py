"""Retention: a closed case's personal data and files are purged after the retention period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from vote_api.core import audit
from vote_api.core.audit import AuditAction
from vote_api.core.timeutil import to_db
from vote_api.objections.models import CaseStatus, ObjectionCase, ObjectionEvent, ObjectionFile
from vote_api.objections.storage import UploadStore


@dataclass(frozen=True)
class PurgeResult:
    """What a purge did: case numbers (not personal data) and counts."""

    cases: list[str]
    files: int
    stray_files: int


def purge_due(
    session: Session, store: UploadStore, now: datetime, retention_days: int, *, dry_run: bool
) -> tuple[list[str], list[str]]:
    """Clear the personal data of cases closed more than ``retention_days`` ago.

    Returns the case numbers purged and the storage names of their files (to delete after
    the commit). The audit log records each purge.
    """
    cutoff = to_db(now - timedelta(days=retention_days))
    due = session.exec(
        select(ObjectionCase).where(
            ObjectionCase.status == CaseStatus.CLOSED.value,
            col(ObjectionCase.closed_at) <= cutoff,
            col(ObjectionCase.purged_at).is_(None),
        )
    ).all()
    numbers: list[str] = []
    storage_names: list[str] = []
    for case in due:
        numbers.append(case.case_number)
        files = session.exec(select(ObjectionFile).where(ObjectionFile.case_id == case.id)).all()
        storage_names += [f.storage_name for f in files if f.purged_at is None]
        if dry_run:
            continue
        case.reporter_sealed = None
        case.statement_sealed = None
        case.reply_sealed = None
        case.purged_at = to_db(now)
        session.add(case)
        for row in files:
            row.name_sealed = None
            row.purged_at = row.purged_at or to_db(now)
            session.add(row)
        for event in session.exec(select(ObjectionEvent).where(ObjectionEvent.case_id == case.id)):
            event.note_sealed = None
            session.add(event)
        audit.record(
            session,
            at=now,
            actor="szmqa purge",
            action=AuditAction.OBJECTION_PURGE,
            target=case.case_number,
            files=len(files),
            retention_days=retention_days,
        )
    if not dry_run:
        session.commit()
    return numbers, storage_names


def live_storage_names(session: Session) -> set[str]:
    """Storage names of files not yet purged (every other sealed file is stray)."""
    return set(
        session.exec(
            select(ObjectionFile.storage_name).where(col(ObjectionFile.purged_at).is_(None))
        ).all()
    )
