"""Which keys the running services hold: what ``szmqa rotate-keys`` waits for."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from pathlib import Path

from tests.factories import NOW, migrated_sqlite
from vote_api.core.db import Database
from vote_api.core.key_presence import announce, withdraw, workers_without

OLD, NEW = "o" * 40, "n" * 40


def test_key_presence_counts_running_workers_without_the_new_key(tmp_path: Path) -> None:
    database = Database(migrated_sqlite(tmp_path / "szmqa.db"))
    host = socket.gethostname()
    try:
        with database.session() as session:
            announce(session, f"{host}:{os.getpid()}:a", [OLD], NOW - timedelta(hours=1))
            announce(session, "elsewhere:10:b", [OLD], NOW - timedelta(minutes=1))
            announce(session, "elsewhere:11:c", [OLD], NOW - timedelta(minutes=10))  # stopped
            announce(session, f"{host}:999999999:d", [OLD], NOW - timedelta(hours=1))  # no pid
            announce(session, "elsewhere:12:e", [NEW, OLD], NOW)
            behind = workers_without(session, NEW, NOW)
            assert sorted(behind) == sorted([f"{host}:{os.getpid()}:a", "elsewhere:10:b"])
            assert workers_without(session, OLD, NOW) == []
            withdraw(session, f"{host}:{os.getpid()}:a")
            assert workers_without(session, NEW, NOW) == ["elsewhere:10:b"]
    finally:
        database.close()
