"""Storing, following and handling objection cases (database work runs inside ``Database.run``)."""

from __future__ import annotations

import contextlib
import csv
import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from award.content import Content
from award.models import DEMO_PREFIX
from vote_api.core import audit
from vote_api.core.captcha import CaptchaService
from vote_api.core.csvcells import safe_row
from vote_api.core.errors import APIError
from vote_api.core.settings import Settings
from vote_api.core.timeutil import from_db, to_db
from vote_api.objections.crypto import Sealer, SealError
from vote_api.objections.form import FormLimits, ReceivedFile
from vote_api.objections.models import (
    DECISIONS,
    TRANSITIONS,
    CaseStatus,
    ObjectionCase,
    ObjectionEvent,
    ObjectionFile,
    Reason,
    ReporterKind,
)
from vote_api.objections.rules import Submission
from vote_api.objections.storage import UploadStore

#: Case numbers and keys: no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B (fixed: issued numbers use it).
ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
CASE_CODE_LENGTH = 6
KEY_GROUPS = 4
KEY_GROUP_LENGTH = 5
NOT_FOUND = APIError(404, "case_not_found", "没有找到该案件，或查询密钥不正确，请核对后重试")


@dataclass(frozen=True)
class Objections:
    """The objection service's parts, built once per app from the settings."""

    sealer: Sealer
    store: UploadStore
    limits: FormLimits
    retention_days: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Objections:
        """Build from the settings (creates the upload folder, never inside a served one)."""
        refuse_served_upload_dir(settings)
        store = UploadStore(settings.objection_upload_path)
        store.ensure()
        return cls(
            sealer=Sealer(settings.encryption_keys),
            store=store,
            limits=FormLimits(
                max_files=settings.objection_max_files,
                max_file_bytes=settings.objection_max_file_bytes,
                text_max_chars=settings.objection_text_max_chars,
            ),
            retention_days=settings.objection_retention_days,
        )


def refuse_served_upload_dir(settings: Settings) -> None:
    """Refuse an evidence folder inside the published site or content: it must never be served."""
    upload = settings.objection_upload_path.resolve()
    for served in (settings.site_dir, settings.content_dir):
        if served is not None and upload.is_relative_to(served.resolve()):
            raise ValueError(
                f"SZMQA_OBJECTION_UPLOAD_DIR ({upload}) must not be inside {served.resolve()}, "
                "which is published: evidence files must never be served"
            )


# -- case numbers and keys ----------------------------------------------------------------------


def new_case_number(now: datetime) -> str:
    """A case number like 26-K7M3PX: the year, then six characters without look-alikes."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(CASE_CODE_LENGTH))
    return f"{now:%y}-{code}"


def normalise_case_number(text: str) -> str:
    """A case number as typed (spaces, lower case, no hyphen) in its stored form."""
    compact = "".join(text.split()).upper().replace("－", "-")
    if "-" not in compact and len(compact) == 2 + CASE_CODE_LENGTH:
        compact = f"{compact[:2]}-{compact[2:]}"
    return compact[:20]


def new_key() -> str:
    """A follow-up key: 20 characters (about 89 bits) in groups of five, easy to copy out."""
    groups = [
        "".join(secrets.choice(ALPHABET) for _ in range(KEY_GROUP_LENGTH))
        for _ in range(KEY_GROUPS)
    ]
    return "-".join(groups)


def normalise_key(text: str) -> str:
    """A key as typed, without spaces or hyphens, upper case."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[:64]


DECRYPT_FAILED = APIError(
    503,
    "decrypt_failed",
    "无法解密案件信息：加密密钥（SZMQA_ENCRYPTION_KEY）与保存时不一致，请联系系统管理员",
)


def _context(case_number: str, what: str) -> str:
    return f"case:{case_number}:{what}"


# -- filing -------------------------------------------------------------------------------------


def file_case(
    session: Session,
    *,
    objections: Objections,
    notice_id: str,
    year: int,
    submission: Submission,
    files: list[ReceivedFile],
    now: datetime,
) -> tuple[ObjectionCase, str]:
    """Store the case with its files' records (its captcha was consumed first); return it and its key."""
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
        reporter_sealed=sealer.seal_json(submission.reporter, _context(case_number, "reporter")),
        statement_sealed=sealer.seal_text(submission.statement, _context(case_number, "statement")),
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
                    received.name, _context(case_number, f"file:{received.storage_name}")
                ),
            )
        )
    try:
        session.commit()
    except IntegrityError:  # pragma: no cover - a case number taken by a concurrent worker
        session.rollback()
        raise APIError(
            503, "case_number_busy", "暂时无法分配案件编号，异议未能提交，请重新提交"
        ) from None
    return case, key


def consume_captcha(
    session: Session,
    captcha: CaptchaService,
    challenge_id: str,
    answer: str,
    notice_id: str,
    now: datetime,
) -> None:
    """Use up an objection's captcha (committed, right or wrong); refuse a wrong one."""
    try:
        captcha.check(session, challenge_id[:64], answer[:16], f"objection:{notice_id}", now)
    finally:
        session.commit()  # the challenge is used up, right or wrong


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


# -- following a case ---------------------------------------------------------------------------


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
        return sealer.open_text(case.reply_sealed, _context(case.case_number, "reply"))
    except SealError:
        raise DECRYPT_FAILED from None


def follow_up(
    session: Session, objections: Objections, content: Content, case_number: str, key: str
) -> dict[str, Any]:
    """The status and reply of a case, for its reporter; a wrong key is the same 404 as no case."""
    number = normalise_case_number(case_number)
    case = session.exec(select(ObjectionCase).where(ObjectionCase.case_number == number)).first()
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


# -- the secretariat ----------------------------------------------------------------------------


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
        query = query.where(ObjectionCase.notice_id == filters.notice)
    if filters.entrant:
        query = query.where(ObjectionCase.entrant_id == filters.entrant)
    if filters.status:
        query = query.where(ObjectionCase.status == filters.status.value)
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
    case = session.exec(select(ObjectionCase).where(ObjectionCase.case_number == number)).first()
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
        select(ObjectionFile).where(ObjectionFile.case_id == case.id).order_by(ObjectionFile.id)
    ).all()
    events = session.exec(
        select(ObjectionEvent).where(ObjectionEvent.case_id == case.id).order_by(ObjectionEvent.id)
    ).all()
    audit.record(session, at=now, actor=actor, action="objection.read", target=number)
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
        reporter=sealer.open_json(case.reporter_sealed, _context(number, "reporter")),
        statement=sealer.open_text(case.statement_sealed, _context(number, "statement")),
        reply=sealer.open_text(case.reply_sealed, _context(number, "reply")),
        replied_at=from_db(case.replied_at).isoformat() if case.replied_at else None,
        files=[
            {
                "id": f.id,
                "role": f.role,
                "name": sealer.open_text(f.name_sealed, _context(number, f"file:{f.storage_name}")),
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
                "note": sealer.open_text(e.note_sealed, _context(number, "note")),
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
        select(ObjectionFile).where(ObjectionFile.id == file_id, ObjectionFile.case_id == case.id)
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
        action="objection.file_download",
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
            row.name_sealed, _context(case.case_number, f"file:{row.storage_name}")
        )
    except SealError:
        name = None
    return name or f"{case.case_number}-{row.id}.{row.extension}"


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
        values["reply_sealed"] = sealer.seal_text(reply, _context(number, "reply"))
        values["replied_at"] = to_db(now)
    moved = session.execute(
        update(ObjectionCase)
        .where(col(ObjectionCase.id) == case.id, col(ObjectionCase.status) == current.value)
        .values(**values)
    )
    if moved.rowcount != 1:  # someone else moved it meanwhile
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
            note_sealed=sealer.seal_text(note, _context(number, "note")) if note else None,
        )
    )
    audit.record(
        session,
        at=now,
        actor=actor,
        action="objection.transition",
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
        action="objection.export",
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


# -- retention ----------------------------------------------------------------------------------


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
            action="objection.purge",
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
