"""The schema is owned by the migrations: fresh, legacy (0.1.0) and failing upgrades."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError
from sqlmodel import SQLModel

import vote_api.tables  # noqa: F401 (every table on the metadata)
from tests.conftest import ROOT
from vote_api.core.db import make_engine
from vote_api.schema import (
    MIGRATIONS,
    SchemaError,
    head_revision,
    prepare_schema,
    schema_state,
    upgrade,
)

from .databases import INSTANT, ROW_COUNTS, make_legacy_database, postgres_schema, row_counts

HEAD = head_revision()


def metadata_differences(engine: object) -> list[object]:
    """What the upgraded database lacks or has beyond the models' metadata."""
    with engine.connect() as connection:  # type: ignore[attr-defined]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def assert_audit_log_append_only(engine: object) -> None:
    with pytest.raises(DatabaseError), engine.begin() as connection:  # type: ignore[attr-defined]
        connection.execute(text("UPDATE audit_log SET actor = 'forged'"))
    with pytest.raises(DatabaseError), engine.begin() as connection:  # type: ignore[attr-defined]
        connection.execute(text("DELETE FROM audit_log"))


def test_migrations_build_an_empty_sqlite_database_to_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/fresh.db")
    before, applied = upgrade(engine)
    assert before.current is None and not before.legacy
    assert applied[:2] == ["0001", "0002"] and applied[-1] == HEAD
    assert schema_state(engine).at_head
    assert metadata_differences(engine) == []
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (:at, 'a', 'b', 'c', '{}')"
            ),
            {"at": INSTANT.replace(tzinfo=None).isoformat(" ")},
        )
    assert_audit_log_append_only(engine)
    assert upgrade(engine)[1] == []  # a second upgrade does nothing


def test_migrations_stamp_and_upgrade_a_sqlite_database_of_release_0_1_0(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/legacy.db"
    engine = make_legacy_database(url)
    before_rows = row_counts(engine)
    assert before_rows == ROW_COUNTS
    engine.dispose()
    result = subprocess.run(
        [sys.executable, "-m", "szmqa", "db", "upgrade"],
        env={"SZMQA_DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "0.1.0" in result.stdout and HEAD in result.stdout
    engine = make_engine(url)
    assert row_counts(engine) == before_rows
    assert schema_state(engine).at_head
    assert metadata_differences(engine) == []
    assert_audit_log_append_only(engine)
    assert not list(tmp_path.glob("*.before-upgrade"))  # the safety copy is removed after success


@pytest.mark.services
def test_migrations_stamp_and_upgrade_a_postgres_database_of_release_0_1_0(
    postgres_url: str,
) -> None:
    with postgres_schema(postgres_url) as url:
        engine = make_legacy_database(url)
        before_rows = row_counts(engine)
        naive = [
            (table, column["name"])
            for table in ("audit_log", "objection_case", "objection_event")
            for column in inspect(engine).get_columns(table)
            if column["name"] in ("at", "received_at", "updated_at", "created_at")
            and not column["type"].timezone
        ]
        assert len(naive) == 4  # the frozen 0.1.0 schema has the naive columns of the bug
        before, applied = upgrade(engine)
        assert before.legacy and applied[0] == "0002" and applied[-1] == HEAD
        assert row_counts(engine) == before_rows
        assert metadata_differences(engine) == []
        with engine.connect() as connection:
            connection.execute(text("SET TIME ZONE 'Asia/Shanghai'"))
            for table, column in naive:
                value = connection.execute(text(f"SELECT {column} FROM {table} LIMIT 1")).scalar()
                assert value.astimezone(UTC) == INSTANT, (table, column, value)
        assert_audit_log_append_only(engine)
        engine.dispose()


def broken_migrations(tmp_path: Path) -> Path:
    """A copy of the migrations with a revision 9999 that creates a table and then fails."""
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_broken.py").write_text(
        '"""Broken on purpose."""\n'
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        f'revision = "9999"\ndown_revision = "{HEAD}"\nbranch_labels = None\ndepends_on = None\n\n\n'
        "def upgrade():\n"
        '    op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))\n'
        '    op.execute("INSERT INTO no_such_table VALUES (1)")\n\n\n'
        "def downgrade():\n    pass\n",
        encoding="utf-8",
    )
    return scripts


def _assert_failed_upgrade_left_nothing(engine: object, scripts: Path) -> None:
    with pytest.raises(SchemaError) as refused:
        upgrade(engine, scripts)  # type: ignore[arg-type]
    assert "9999" in str(refused.value) and "保持原状" in str(refused.value)
    engine.dispose()  # type: ignore[attr-defined]
    assert schema_state(engine).current == HEAD  # type: ignore[arg-type]
    assert not inspect(engine).has_table("half_done")
    assert row_counts(engine) == ROW_COUNTS  # type: ignore[arg-type]


def test_migrations_a_failing_revision_leaves_the_sqlite_database_as_it_was(
    tmp_path: Path,
) -> None:
    engine = make_legacy_database(f"sqlite:///{tmp_path}/db.sqlite")
    upgrade(engine)
    _assert_failed_upgrade_left_nothing(engine, broken_migrations(tmp_path))


@pytest.mark.services
def test_migrations_a_failing_revision_leaves_the_postgres_database_as_it_was(
    postgres_url: str, tmp_path: Path
) -> None:
    with postgres_schema(postgres_url) as url:
        engine = make_legacy_database(url)
        upgrade(engine)
        _assert_failed_upgrade_left_nothing(engine, broken_migrations(tmp_path))


def test_migrations_a_database_newer_than_the_code_is_refused_naming_both(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/db.sqlite")
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    for auto in (True, False):
        with pytest.raises(SchemaError) as refused:
            prepare_schema(engine, auto_upgrade=auto)
        assert "0099" in str(refused.value) and HEAD in str(refused.value)


def test_migrations_without_auto_upgrade_a_database_behind_is_refused(tmp_path: Path) -> None:
    engine = make_legacy_database(f"sqlite:///{tmp_path}/db.sqlite")
    with pytest.raises(SchemaError) as refused:
        prepare_schema(engine, auto_upgrade=False)
    assert "szmqa db upgrade" in str(refused.value)
    prepare_schema(engine, auto_upgrade=True)
    prepare_schema(engine, auto_upgrade=False)  # at head now: accepted


def test_migrations_the_vote_function_steps_back_and_forth_on_postgres(postgres_url: str) -> None:
    from alembic import command

    from vote_api.schema import _config

    def definition(engine: object) -> str:
        with engine.connect() as connection:  # type: ignore[attr-defined]
            found = connection.execute(
                text("SELECT pg_get_functiondef('szmqa_cast_votes(jsonb)'::regprocedure)")
            )
            return str(found.scalar_one())

    checked_before = "IF item->>'captcha_id' IS NOT NULL THEN"
    with postgres_schema(postgres_url) as url:
        engine = make_engine(url)
        upgrade(engine)
        assert checked_before in definition(engine)
        with engine.begin() as connection:
            command.downgrade(_config(connection), "0006")
        assert checked_before not in definition(engine) and "captcha_invalid" in definition(engine)
        upgrade(engine)
        assert checked_before in definition(engine)
        engine.dispose()
