"""Hot-path statements (casting a vote, using up a captcha) on the session's DB-API cursor.

SQLAlchemy's ``begin_nested()`` builds and compiles its SAVEPOINT and RELEASE clauses on
every use, and each Core statement costs tens of microseconds of bookkeeping; on the one
SQLite thread that was most of a vote's time. These statements are plain SQL that SQLite
and PostgreSQL both accept; they run inside the transaction the session began (``BEGIN
IMMEDIATE`` on SQLite), next to the session's own statements on the same connection.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

_CURSOR = "szmqa.cursor"
_SQLITE = "szmqa.is_sqlite"
_NAMED = re.compile(r":([a-z_]+)")


class RawSQL:
    """A statement written with ``:name`` parameters, in each driver's own parameter style."""

    def __init__(self, sql: str) -> None:
        self.named = sql
        self.pyformat = _NAMED.sub(r"%(\1)s", sql)

    def text_for(self, session: Session) -> str:
        """The statement for the session's driver (sqlite3: ``:name``; psycopg: ``%(name)s``)."""
        return self.named if is_sqlite(session) else self.pyformat


def is_sqlite(session: Session) -> bool:
    """Whether the session talks to SQLite (looked up once per session)."""
    found = session.info.get(_SQLITE)
    if found is None:
        found = session.info[_SQLITE] = session.get_bind().dialect.name == "sqlite"
    return found


def cursor(session: Session) -> Any:
    """A DB-API cursor on the connection of the session's current transaction (made once)."""
    found = session.info.get(_CURSOR)
    transaction = session.get_transaction()
    if found is None or transaction is None or found[0] is not transaction:
        raw = session.connection().connection.cursor()  # begins the transaction if need be
        found = session.info[_CURSOR] = (session.get_transaction(), raw)
    return found[1]


def execute(session: Session, statement: RawSQL, params: dict[str, Any]) -> Any:
    """Run a statement on the session's connection; return the cursor."""
    raw = cursor(session)
    raw.execute(statement.text_for(session), params)
    return raw


def moment(session: Session, value: datetime) -> Any:
    """A moment as a parameter: UTC text as SQLAlchemy writes it in SQLite, else aware."""
    utc = value.astimezone(UTC)
    if is_sqlite(session):
        return utc.replace(tzinfo=None).isoformat(" ", "microseconds")
    return utc


def read_moment(value: Any) -> datetime:
    """A moment read back: SQLite gives SQLAlchemy's UTC text, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value


def integrity_error(session: Session) -> type[Exception]:
    """The driver's IntegrityError (a unique constraint refused a row)."""
    return session.get_bind().dialect.dbapi.IntegrityError  # type: ignore[union-attr]


@contextmanager
def savepoint(session: Session, name: str) -> Iterator[None]:
    """Run the block in a SAVEPOINT: released on success, rolled back to on any exception."""
    raw = cursor(session)
    raw.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        raw.execute(f"ROLLBACK TO SAVEPOINT {name}")
        raw.execute(f"RELEASE SAVEPOINT {name}")
        raise
    raw.execute(f"RELEASE SAVEPOINT {name}")
