"""Re-sealing stored cases and evidence files with the newest encryption key.

Each case (its sealed fields, its events' notes, its files' names and the files themselves)
is re-sealed in a transaction of its own, and each file is rewritten to a temporary name and
swapped in atomically, so an interrupted run leaves every value readable, and running again
picks up where it stopped: a value already sealed with the newest key is left as it is.
Follow-up keys are stored as HMACs and cannot be re-hashed without the reporter's key: they
keep verifying while the key that hashed them stays in ``SZMQA_OLD_ENCRYPTION_KEYS``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from vote_api.core.crypto import Sealer
from vote_api.objections.models import (
    ObjectionCase,
    ObjectionEvent,
    ObjectionFile,
    sealed_context,
)
from vote_api.objections.storage import UploadStore

ROTATE_SUFFIX = ".rotate.part"


@dataclass
class RotationReport:
    """What a run re-sealed (or, in a dry run, would re-seal)."""

    cases: int = 0
    values: int = 0
    files: int = 0
    case_numbers: list[str] = field(default_factory=list)


def _reseal(sealer: Sealer, blob: bytes | None, context: str) -> bytes | None:
    """The blob sealed with the newest key, or None when it already is (or is purged)."""
    if blob is None:
        return None
    plain, index = sealer.open_with_index(blob, context)
    return None if index == 0 else sealer.seal(plain, context)


def _reseal_file(sealer: Sealer, store: UploadStore, storage_name: str, dry_run: bool) -> bool:
    """Rewrite one evidence file under the newest key; return whether it needed it."""
    path = store.final_path(storage_name)
    if not path.exists() or sealer.file_key_index(path, storage_name) == 0:
        return False
    if dry_run:
        return True
    temp = path.with_name(f".{storage_name}{ROTATE_SUFFIX}")
    temp.unlink(missing_ok=True)
    writer = sealer.file_writer(temp, storage_name)
    try:
        for chunk in sealer.file_chunks(path, storage_name):
            writer.write(chunk)
        writer.close()
    except BaseException:
        writer.abort()
        temp.unlink(missing_ok=True)
        raise
    os.replace(temp, path)
    return True


def rotate_case(
    session: Session, sealer: Sealer, store: UploadStore, case: ObjectionCase, dry_run: bool
) -> tuple[int, int]:
    """Re-seal one case's values and files; return how many values and files changed."""
    number = case.case_number
    values = 0
    for column in ("reporter_sealed", "statement_sealed", "reply_sealed"):
        what = column.removesuffix("_sealed")
        new = _reseal(sealer, getattr(case, column), sealed_context(number, what))
        if new is not None:
            values += 1
            setattr(case, column, new)
    events = session.exec(
        select(ObjectionEvent).where(col(ObjectionEvent.case_id) == case.id)
    ).all()
    for event in events:
        new = _reseal(sealer, event.note_sealed, sealed_context(number, "note"))
        if new is not None:
            values += 1
            event.note_sealed = new
            session.add(event)
    files = session.exec(select(ObjectionFile).where(col(ObjectionFile.case_id) == case.id)).all()
    changed_files = 0
    for row in files:
        new = _reseal(sealer, row.name_sealed, sealed_context(number, f"file:{row.storage_name}"))
        if new is not None:
            values += 1
            row.name_sealed = new
            session.add(row)
        if row.purged_at is None and _reseal_file(sealer, store, row.storage_name, dry_run):
            changed_files += 1
    if dry_run:
        session.rollback()
    else:
        session.add(case)
        session.commit()
    return values, changed_files


def rotate_all(
    session: Session, sealer: Sealer, store: UploadStore, *, dry_run: bool = False
) -> RotationReport:
    """Re-seal every case with the newest key, one case per transaction."""
    report = RotationReport()
    numbers = session.exec(select(ObjectionCase.case_number).order_by(col(ObjectionCase.id))).all()
    for number in numbers:
        case = session.exec(
            select(ObjectionCase).where(col(ObjectionCase.case_number) == number)
        ).one()
        values, files = rotate_case(session, sealer, store, case, dry_run)
        if values or files:
            report.cases += 1
            report.values += values
            report.files += files
            report.case_numbers.append(number)
    return report
