"""The append-only audit log of admin actions (no personal data in it)."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import Field, Session, SQLModel

from vote_api.core.timeutil import moment_field, to_db


class AuditAction(StrEnum):
    """Every action the audit log records (the console shows each in Chinese)."""

    CONSOLE_ENROL = "console.enrol"
    CONSOLE_SIGN_IN = "console.sign_in"
    CONSOLE_SIGN_IN_FAILED = "console.sign_in_failed"
    CONSOLE_SIGN_IN_LOCKED = "console.sign_in_locked"
    CONSOLE_LOCK = "console.lock"
    CONSOLE_SIGN_OUT = "console.sign_out"
    STAFF_ADD = "staff.add"
    STAFF_DISABLE = "staff.disable"
    STAFF_RESET_2FA = "staff.reset_2fa"
    TALLY_VIEW = "tally.view"
    ANOMALIES_VIEW = "anomalies.view"
    VOTES_EXPORT = "votes.export"
    VOTE_INVALIDATE = "vote.invalidate"
    CLUSTER_INVALIDATE = "cluster.invalidate"
    OBJECTION_READ = "objection.read"
    OBJECTION_REVEAL = "objection.reveal"
    OBJECTION_FILE_DOWNLOAD = "objection.file_download"
    OBJECTION_TRANSITION = "objection.transition"
    OBJECTION_EXPORT = "objection.export"
    OBJECTION_PURGE = "objection.purge"


class AuditEntry(SQLModel, table=True):
    """One admin action: who, when, what, on which record, with non-personal details."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = moment_field(index=True)
    actor: str = Field(max_length=80)
    action: str = Field(max_length=80, index=True)
    target: str = Field(max_length=120)
    detail: str = Field(default="{}", max_length=4000)


def record(
    session: Session, *, at: datetime, actor: str, action: AuditAction, target: str, **detail: Any
) -> AuditEntry:
    """Add an audit entry to the session's transaction (committed with the action it records)."""
    entry = AuditEntry(
        at=to_db(at),
        actor=actor,
        action=AuditAction(action).value,
        target=target,
        detail=json.dumps(detail, ensure_ascii=False, default=str),
    )
    session.add(entry)
    return entry


_SQLITE_GUARD = [
    """CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
]
_POSTGRES_GUARD = [
    """CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
]


def install_append_only_guard(connection: Connection) -> None:
    """Make the database itself refuse UPDATE and DELETE on the audit log (run by a migration)."""
    statements = _SQLITE_GUARD if connection.dialect.name == "sqlite" else _POSTGRES_GUARD
    for statement in statements:
        connection.execute(text(statement))
