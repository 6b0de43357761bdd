"""The append-only audit log of admin actions (no personal data in it)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import Field, Session, SQLModel

from vote_api.core.timeutil import moment_field, to_db


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
    session: Session, *, at: datetime, actor: str, action: str, target: str, **detail: Any
) -> AuditEntry:
    """Add an audit entry to the session's transaction (committed with the action it records)."""
    entry = AuditEntry(
        at=to_db(at),
        actor=actor,
        action=action,
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
