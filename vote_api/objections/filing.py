"""Filing a case: storing it with its files' records, and undoing a filing whose files failed."""

from __future__ import annotations

import contextlib
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from vote_api.core.errors import APIError
from vote_api.core.timeutil import to_db
from vote_api.objections.flood import EvidenceCharge, add_evidence_bytes
from vote_api.objections.models import (
    CaseStatus,
    ObjectionCase,
    ObjectionEvent,
    ObjectionFile,
    sealed_context,
)
from vote_api.objections.numbers import new_case_number, new_key, normalise_key
from vote_api.objections.received import ReceivedFile
from vote_api.objections.rules import Submission
from vote_api.objections.service import Objections


def file_case(
    session: Session,
    *,
    objections: Objections,
    notice_id: str,
    year: int,
    submission: Submission,
    files: list[ReceivedFile],
    now: datetime,
    charge: EvidenceCharge | None = None,
) -> tuple[ObjectionCase, str]:
    """Store the case with its files' records (its human check was passed first); return it and its key."""
    sealer = objections.sealer
    for _attempt in range(10):
        case_number = new_case_number(now)
        taken = session.exec(
            select(ObjectionCase.id).where(ObjectionCase.case_number == case_number)
        ).first()
        if taken is None:
            break
    else:  # pragma: no cover - 22^6 codes a year
        raise APIError(503, "case_number_busy", "暂时无法分配案件编号，请稍后重试")
    key = new_key()
    case = ObjectionCase(
        case_number=case_number,
        key_hash=sealer.key_hash(case_number, normalise_key(key)),
        notice_id=notice_id,
        year=year,
        entrant_id=submission.entrant.id,
        reasons=",".join(r.value for r in submission.reasons),
        reporter_kind=submission.reporter_kind.value,
        status=CaseStatus.RECEIVED.value,
        received_at=to_db(now),
        updated_at=to_db(now),
        reporter_sealed=sealer.seal_json(
            submission.reporter, sealed_context(case_number, "reporter")
        ),
        statement_sealed=sealer.seal_text(
            submission.statement, sealed_context(case_number, "statement")
        ),
    )
    session.add(case)
    session.flush()
    assert case.id is not None
    for received in files:
        session.add(
            ObjectionFile(
                case_id=case.id,
                role=received.role.value,
                storage_name=received.storage_name,
                extension=received.extension,
                size=received.size,
                name_sealed=sealer.seal_text(
                    received.name, sealed_context(case_number, f"file:{received.storage_name}")
                ),
            )
        )
    if charge is not None:
        add_evidence_bytes(session, charge, sum(received.size for received in files))
    try:
        session.commit()
    except IntegrityError:  # pragma: no cover - a case number taken by a concurrent worker
        session.rollback()
        raise APIError(
            503, "case_number_busy", "暂时无法分配案件编号，异议未能提交，请重新提交"
        ) from None
    return case, key


def withdraw_case(session: Session, case_id: int) -> None:
    """Remove a just-filed case whose files could not be put in place (compensation)."""
    for model in (ObjectionFile, ObjectionEvent):
        for row in session.exec(select(model).where(model.case_id == case_id)).all():
            session.delete(row)
    case = session.get(ObjectionCase, case_id)
    if case is not None:
        session.delete(case)
    session.commit()


def promote_files(objections: Objections, files: list[ReceivedFile]) -> None:
    """Give committed files their final names; on failure remove them all and raise."""
    try:
        for received in files:
            objections.store.promote(received.storage_name)
    except OSError:
        for received in files:
            with contextlib.suppress(OSError):
                objections.store.discard(received.storage_name)
        raise
