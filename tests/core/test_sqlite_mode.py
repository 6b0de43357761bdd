"""The SQLite database, its folder and its companions are not readable by others."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.factories import CULTURE, Apps, cast_vote
from vote_api.core.db import make_engine
from vote_api.schema import sqlite_backup, upgrade


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_sqlite_file_and_new_folder_are_private_even_with_an_open_umask(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        path = tmp_path / "data" / "nested" / "szmqa.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        copy = tmp_path / "data" / "copy.db"
        sqlite_backup(path, copy)
    finally:
        os.umask(previous)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700 and mode(copy) == 0o600
    assert not [p for p in path.parent.iterdir() if mode(p) & 0o077]  # -wal, -shm included


def test_sqlite_existing_open_file_is_tightened_at_start(tmp_path: Path) -> None:
    path = tmp_path / "szmqa.db"
    path.touch()
    os.chmod(path, 0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o600


def test_sqlite_service_started_on_a_new_data_folder_keeps_it_private(
    make_env: Apps, tmp_path: Path
) -> None:
    folder = tmp_path / "fresh"
    env = make_env(database_url=f"sqlite:///{folder / 'db' / 'szmqa.db'}", data_dir=folder / "var")
    assert cast_vote(env.client, CULTURE, env.candidate(CULTURE)).status_code == 201
    files = [folder / "db" / name for name in os.listdir(folder / "db")]
    assert files and all(mode(p) == 0o600 for p in files), [oct(mode(p)) for p in files]
    assert mode(folder / "db") == 0o700 and mode(folder / "var") == 0o700
    assert mode(folder / "var" / "keys.json") == 0o600
