"""Server-side console sessions: a random cookie, its hash in the database, a CSRF token.

A session ends after 30 minutes without a request or 8 hours after sign-in, whichever comes
first; signing in always makes a new session id (and ends the one the browser brought).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from vote_api.console.models import Role, Staff, StaffSession
from vote_api.core import audit
from vote_api.core.audit import AuditAction
from vote_api.core.timeutil import from_db, to_db

COOKIE = "szmqa_console"
#: The cookie of the sign-in and enrolment forms' CSRF token (before there is a session).
FORM_COOKIE = "szmqa_console_form"
COOKIE_PATH = "/admin"
IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=8)


@dataclass(frozen=True)
class Signed:
    """The person behind a request and their session's CSRF token."""

    staff_id: int
    name: str
    role: Role
    session_id: str
    csrf_token: str


def session_key(token: str) -> str:
    """The stored form of a session cookie."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(
    session: Session, staff: Staff, now: datetime, previous_token: str | None
) -> tuple[str, Signed]:
    """A new session for a person who has just signed in (the old one, if any, is ended)."""
    if previous_token:
        old = session.get(StaffSession, session_key(previous_token))
        if old is not None and old.ended_at is None:
            old.ended_at = to_db(now)
            session.add(old)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    assert staff.id is not None
    row = StaffSession(
        id=session_key(token),
        staff_id=staff.id,
        csrf_token=csrf,
        created_at=to_db(now),
        last_seen_at=to_db(now),
    )
    session.add(row)
    audit.record(
        session,
        at=now,
        actor=staff.name,
        action=AuditAction.CONSOLE_SIGN_IN,
        target=f"staff:{staff.name}",
    )
    session.commit()
    return token, Signed(staff.id, staff.name, Role(staff.role), row.id, csrf)


def expired(row: StaffSession, now: datetime) -> bool:
    """Whether a session has ended, idled out or outlived its eight hours."""
    return (
        row.ended_at is not None
        or now - from_db(row.last_seen_at) >= IDLE
        or now - from_db(row.created_at) >= ABSOLUTE
    )


def load(session: Session, token: str, now: datetime) -> Signed | None:
    """The signed-in person of a cookie (and the session touched), or None."""
    if not token or len(token) > 100:
        return None
    row = session.get(StaffSession, session_key(token))
    if row is None or expired(row, now):
        return None
    staff = session.get(Staff, row.staff_id)
    if staff is None or staff.disabled_at is not None or staff.enrolled_at is None:
        return None
    row.last_seen_at = to_db(now)
    session.add(row)
    session.commit()
    return Signed(row.staff_id, staff.name, Role(staff.role), row.id, row.csrf_token)


def end(session: Session, signed: Signed, now: datetime) -> None:
    """Sign out: end the session and audit it."""
    row = session.get(StaffSession, signed.session_id)
    if row is not None and row.ended_at is None:
        row.ended_at = to_db(now)
        session.add(row)
    audit.record(
        session,
        at=now,
        actor=signed.name,
        action=AuditAction.CONSOLE_SIGN_OUT,
        target=f"staff:{signed.name}",
    )
    session.commit()


def tokens_match(expected: str | None, presented: str | None) -> bool:
    """Constant-time comparison of CSRF tokens; a missing one never matches."""
    if not expected or not presented:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), presented.encode("utf-8"))
