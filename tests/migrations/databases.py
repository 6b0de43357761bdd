"""Databases for the migration tests: a private PostgreSQL schema, the frozen 0.1.0 schema, rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from vote_api.core.db import make_engine

HERE = Path(__file__).resolve().parent
#: A moment with a non-zero UTC offset in Shanghai, so a drift of 8 hours shows.
INSTANT = datetime(2026, 11, 24, 2, 30, 15, tzinfo=UTC)
ROW_COUNTS = {"vote": 40, "objection_case": 6, "objection_event": 12, "audit_log": 25}


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A URL whose search_path is a fresh schema of its own, dropped afterwards."""
    schema = f"migrate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def legacy_statements(dialect: str) -> list[str]:
    """The frozen DDL of release 0.1.0 for ``sqlite`` or ``postgresql``."""
    source = (HERE / f"legacy_schema_{dialect}.sql").read_text(encoding="utf-8")
    lines = [line for line in source.splitlines() if not line.startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";;") if part.strip()]


def make_legacy_database(url: str) -> Engine:
    """A database as release 0.1.0 made it (no alembic_version), filled with rows."""
    engine = make_engine(url)
    with engine.begin() as connection:
        for statement in legacy_statements(engine.dialect.name):
            connection.exec_driver_sql(statement)
    fill_rows(engine)
    return engine


def _naive_utc(engine: Engine, moment: datetime) -> object:
    """How release 0.1.0 wrote a moment (SQLite: UTC text; PostgreSQL: a UTC value)."""
    naive = moment.astimezone(UTC).replace(tzinfo=None)
    return naive.isoformat(" ") if engine.dialect.name == "sqlite" else naive


def fill_rows(engine: Engine) -> None:
    """Votes, objection cases with their events, and audit entries, as 0.1.0 wrote them."""
    at = _naive_utc(engine, INSTANT)
    with engine.begin() as connection:
        for n in range(ROW_COUNTS["vote"]):
            connection.execute(
                text(
                    "INSERT INTO vote (ballot_id, voter_key, period_key, choices, receipt_digest,"
                    " created_at, address_key) VALUES ('2026-culture', :voter, '2026-11-24',"
                    " 'CU01', :digest, :at, 'a')"
                ),
                {"voter": f"v{n}", "digest": f"{n:064d}", "at": at},
            )
        for n in range(ROW_COUNTS["objection_case"]):
            connection.execute(
                text(
                    "INSERT INTO objection_case (id, case_number, key_hash, notice_id, year,"
                    " entrant_id, reasons, reporter_kind, status, received_at, updated_at,"
                    " reporter_sealed) VALUES (:id, :number, 'h', 'n', 2026, 'E1', 'fraud',"
                    " 'person', 'received', :at, :at, :sealed)"
                ),
                {"id": n + 1, "number": f"26-CASE{n:02d}", "at": at, "sealed": b"\x00sealed"},
            )
            for step in range(2):
                connection.execute(
                    text(
                        "INSERT INTO objection_event (case_id, at, actor, from_status, to_status,"
                        " replied) VALUES (:case, :at, 'staff', 'received', 'under_review', :r)"
                    ),
                    {"case": n + 1, "at": at, "r": step == 1},
                )
        for n in range(ROW_COUNTS["audit_log"]):
            connection.execute(
                text(
                    "INSERT INTO audit_log (at, actor, action, target, detail)"
                    " VALUES (:at, 'staff', 'tally.view', :target, '{}')"
                ),
                {"at": at, "target": f"t{n}"},
            )


def row_counts(engine: Engine) -> dict[str, int]:
    """The number of rows of each table the legacy database was filled with."""
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ROW_COUNTS
        }
