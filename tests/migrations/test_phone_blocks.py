"""Migration 0008 erases the 4-digit region blocks stored beside phone votes."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from vote_api.core.db import make_engine
from vote_api.schema import _config, upgrade


def test_migration_0008_erases_stored_region_blocks_and_adds_the_tallies(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0007")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO vote (ballot_id, voter_key, period_key, choices, receipt_digest,"
                " created_at, address_key, phone_segment, phone_block)"
                " VALUES ('b', 'v', 'window', 'c', 'd', '2026-11-24 02:00:00+00:00', 'a',"
                " '139', '1234')"
            )
        )
    _before, applied = upgrade(engine)
    assert "0008" in applied
    with engine.connect() as connection:
        row = connection.execute(text("SELECT phone_segment, phone_block FROM vote")).one()
        tables = {name for (name,) in connection.execute(text("SELECT name FROM sqlite_master"))}
    assert tuple(row) == ("139", None)
    assert {"sms_tally", "objection_network_day"} <= tables
    engine.dispose()
