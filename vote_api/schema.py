"""The database schema, owned by the Alembic revisions in ``vote_api/migrations``.

``upgrade`` brings any database to the newest revision: an empty one is built from the
first revision, one made by release 0.1.0 (tables but no ``alembic_version``) is stamped at
``0001`` and upgraded from there. PostgreSQL runs the whole upgrade in one transaction (its
DDL is transactional), under an advisory lock so that workers starting together upgrade
once; SQLite is copied first and the copy put back if a revision fails. A database at a
revision this code does not know (made by a newer release) is refused, naming both.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from vote_api.core.db import private_sqlite_file

MIGRATIONS = Path(__file__).with_name("migrations")
#: The revision that a database of release 0.1.0 (made by create_all) is stamped at.
LEGACY_REVISION = "0001"
LEGACY_TABLE = "vote"
#: The PostgreSQL advisory lock held while the schema is checked or changed.
SCHEMA_LOCK_KEY = 7_150_001


class SchemaError(Exception):
    """The database cannot be brought to the code's schema; the message says why."""


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands: its revision (None: empty or release 0.1.0) and the code's."""

    current: str | None
    head: str
    legacy: bool

    @property
    def at_head(self) -> bool:
        """Whether the database has the code's schema."""
        return self.current == self.head


def _config(connection: Connection | None = None, script_location: Path = MIGRATIONS) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["connection"] = connection
    return config


def _scripts(script_location: Path = MIGRATIONS) -> ScriptDirectory:
    return ScriptDirectory.from_config(_config(script_location=script_location))


def head_revision(script_location: Path = MIGRATIONS) -> str:
    """The newest revision the code knows."""
    head = _scripts(script_location).get_current_head()
    assert head is not None
    return head


def _state(connection: Connection, script_location: Path) -> SchemaState:
    current = MigrationContext.configure(connection).get_current_revision()
    legacy = current is None and inspect(connection).has_table(LEGACY_TABLE)
    return SchemaState(current=current, head=head_revision(script_location), legacy=legacy)


def schema_state(engine: Engine, script_location: Path = MIGRATIONS) -> SchemaState:
    """Where the database stands against the code."""
    with engine.connect() as connection:
        return _state(connection, script_location)


def _refuse_unknown(state: SchemaState, script_location: Path) -> None:
    if state.current is None:
        return
    try:
        _scripts(script_location).get_revision(state.current)
    except Exception:
        raise SchemaError(
            f"数据库的结构版本 {state.current} 比本程序（{state.head}）新：请使用新版本的程序，"
            "或从备份恢复与本程序相符的数据库"
        ) from None


@contextlib.contextmanager
def _schema_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as lock:
        lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        lock.commit()
        try:
            yield
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK_KEY})
            lock.commit()


def _sqlite_path(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def sqlite_backup(source: Path, target: Path) -> None:
    """Copy a SQLite database page by page (consistent, WAL included), closing both files."""
    private_sqlite_file(target)
    reader, writer = sqlite3.connect(source), sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        reader.close()
        writer.close()


@contextlib.contextmanager
def _sqlite_copy(engine: Engine) -> Iterator[None]:
    """Copy the SQLite file first; put the copy back if the block fails."""
    path = _sqlite_path(engine)
    if path is None or not path.exists():
        yield
        return
    backup = path.with_name(path.name + ".before-upgrade")
    sqlite_backup(path, backup)
    try:
        yield
    except BaseException:
        engine.dispose()
        sqlite_backup(backup, path)
        raise
    finally:
        for leftover in (backup, *(backup.with_name(backup.name + s) for s in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


def pending_revisions(state: SchemaState, script_location: Path = MIGRATIONS) -> list[str]:
    """The revisions an upgrade would apply, oldest first."""
    start = state.current or (LEGACY_REVISION if state.legacy else "base")
    scripts = _scripts(script_location)
    return [script.revision for script in reversed(list(scripts.iterate_revisions("heads", start)))]


def upgrade(engine: Engine, script_location: Path = MIGRATIONS) -> tuple[SchemaState, list[str]]:
    """Bring the database to the newest revision; return where it stood and what was applied."""
    with _schema_lock(engine):
        before = schema_state(engine, script_location)
        _refuse_unknown(before, script_location)
        if before.at_head:
            return before, []
        pending = pending_revisions(before, script_location)
        with _sqlite_copy(engine), engine.begin() as connection:
            config = _config(connection, script_location)
            if before.legacy:
                command.stamp(config, LEGACY_REVISION)
            for revision in pending:
                try:
                    command.upgrade(config, revision)
                except Exception as error:
                    cause = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
                    raise SchemaError(
                        f"数据库升级失败，数据库保持原状：版本 {revision} 出错"
                        f"（{type(error).__name__}: {cause}）"
                    ) from error
        return before, pending


def prepare_schema(engine: Engine, *, auto_upgrade: bool) -> None:
    """At start: upgrade the database (or, with ``auto_upgrade`` off, refuse one behind)."""
    if auto_upgrade:
        upgrade(engine)
        return
    state = schema_state(engine)
    _refuse_unknown(state, MIGRATIONS)
    if not state.at_head:
        raise SchemaError(
            f"数据库的结构版本为 {state.current or '（无）'}，本程序需要 {state.head}："
            "请先运行 szmqa db upgrade（或设置 SZMQA_AUTO_UPGRADE_SCHEMA=true）"
        )
