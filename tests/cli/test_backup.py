"""``szmqa backup`` and ``szmqa restore``: a restore into a fresh place reads the same objector
data, attachments and tallies; a wrong key is a key problem; nothing is half-restored."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text
from starlette.testclient import TestClient

from tests.factories import (
    CULTURE,
    OBJECTION_SETTINGS,
    Apps,
    Env,
    build_app,
    make_settings,
)
from vote_api.core.db import Database

Place = Callable[[str], str]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.services)])
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Place]:
    """Fresh, empty databases of one kind, by name (PostgreSQL: whole databases, dropped after)."""
    if request.param == "sqlite":
        yield lambda name: f"sqlite:///{tmp_path / name / 'szmqa.db'}"
        return
    base = request.getfixturevalue("postgres_url")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make(_name: str) -> str:
        database = f"szmqa_backup_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        made.append(database)
        return f"{base.rsplit('/', 1)[0]}/{database}"

    yield make
    with admin.connect() as connection:
        for database in made:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    admin.dispose()


def service_env(root: Path, url: str, **keys: str) -> dict[str, str]:
    """The SZMQA_* variables of a deployment in ``root`` (keys: from its data folder if unset)."""
    return {
        "SZMQA_DATABASE_URL": url,
        "SZMQA_DATA_DIR": str(root / "var"),
        "SZMQA_SECRET_KEY": "",
        "SZMQA_ENCRYPTION_KEY": "",
    } | keys


def run(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``szmqa`` with these variables (an empty one is unset)."""
    full = {k: v for k, v in os.environ.items() if k not in env and k != "DATABASE_URL"}
    full |= {k: v for k, v in env.items() if v}
    return subprocess.run(
        [sys.executable, "-m", "szmqa", *args],
        cwd=cwd, env=full, capture_output=True, text=True, check=False,
    )  # fmt: skip


def what_staff_see(env: Env, headers: dict[str, str], number: str) -> dict[str, Any]:
    """The tally, the case with the objector's data, and its attachment's bytes."""
    tally = env.client.get(f"/api/admin/ballots/{CULTURE}/tally", headers=headers)
    case = env.client.get(f"/api/admin/objections/{number}", headers=headers)
    assert tally.status_code == 200 and case.status_code == 200, case.text
    detail = case.json()
    files = [
        env.client.get(
            f"/api/admin/objections/{number}/files/{item['id']}", headers=headers
        ).content
        for item in detail["files"]
    ]
    detail.pop("events", None)  # each reading is itself audited
    return {"tally": tally.json(), "case": detail, "files": files}


@pytest.fixture
def source(tmp_path: Path, demo_dir: Path, new_database: Place) -> Iterator[dict[str, Any]]:
    """A deployment with votes and an objection under review; what its staff see."""
    apps = Apps(tmp_path, demo_dir, **OBJECTION_SETTINGS)
    root = tmp_path / "source"
    url = new_database("source")
    env = apps(database_url=url, data_dir=root / "var")
    for _ in range(3):
        env.new_visitor()
        assert env.vote().status_code == 201
    filed = env.file()
    assert filed.status_code == 201, filed.text
    number = filed.json()["case_number"]
    headers = env.admin()
    moved = env.client.post(
        f"/api/admin/objections/{number}/transitions",
        json={"to": "under_review", "note": "转核查"},
        headers=headers,
    )
    assert moved.status_code == 200, moved.text
    seen = what_staff_see(env, headers, number)
    assert seen["case"]["reporter"] and seen["files"][0].startswith(b"%PDF")
    yield {"env": env, "root": root, "url": url, "headers": headers, "number": number, "seen": seen}
    apps.close()


def test_backup_then_restore_into_a_fresh_place_gives_the_same_console(
    source: dict[str, Any], tmp_path: Path, demo_dir: Path, new_database: Place
) -> None:
    out = tmp_path / "backups" / "szmqa.tar.gz"
    made = run("backup", str(out), cwd=tmp_path, env=service_env(source["root"], source["url"]))
    assert made.returncode == 0, made.stderr
    keys = out.with_name(out.name + ".keys.json")
    for path in (out, keys):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "encryption_key" not in out.read_bytes().decode("latin-1")  # the keys are apart
    fresh, url = tmp_path / "fresh", new_database("fresh")
    restored = run(
        "restore", str(out), "--keys", str(keys), cwd=tmp_path, env=service_env(fresh, url)
    )
    assert restored.returncode == 0, restored.stderr
    assert stat.S_IMODE((fresh / "var" / "keys.json").stat().st_mode) == 0o600
    settings = make_settings(fresh, demo_dir, database_url=url, data_dir=fresh / "var")
    app = build_app(settings, source["env"].clock)
    with TestClient(app) as client:
        env = Env(app=app, client=client, settings=settings, clock=source["env"].clock, root=fresh)
        assert what_staff_see(env, source["headers"], source["number"]) == source["seen"]


def test_a_wrong_key_is_a_key_problem_and_nothing_is_restored(
    source: dict[str, Any], tmp_path: Path, new_database: Place
) -> None:
    out = tmp_path / "szmqa.tar.gz"
    made = run(
        "backup",
        str(out),
        "--keys",
        "together",
        cwd=tmp_path,
        env=service_env(source["root"], source["url"]),
    )
    assert made.returncode == 0, made.stderr
    fresh, url = tmp_path / "fresh", new_database("fresh")
    wrong = {"SZMQA_SECRET_KEY": "s" * 40, "SZMQA_ENCRYPTION_KEY": "e" * 40}
    refused = run("restore", str(out), cwd=tmp_path, env=service_env(fresh, url, **wrong))
    assert refused.returncode == 1
    assert "密钥问题（不是密码问题）" in refused.stderr and "SZMQA_SECRET_KEY" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert_nothing_restored(fresh, url)


def assert_nothing_restored(fresh: Path, url: str) -> None:
    assert not (fresh / "var" / "objections").exists()
    assert not (fresh / "var" / "keys.json").exists()
    database = Database(url)
    try:
        assert inspect(database.engine).get_table_names() == []
    finally:
        database.close()


def test_a_damaged_backup_or_a_used_place_is_refused(
    source: dict[str, Any], tmp_path: Path, new_database: Place
) -> None:
    out = tmp_path / "szmqa.tar.gz"
    env = service_env(source["root"], source["url"])
    assert run("backup", str(out), "--keys", "together", cwd=tmp_path, env=env).returncode == 0
    again = run("backup", str(out), cwd=tmp_path, env=env)
    assert again.returncode == 1 and "已存在" in again.stderr  # never overwritten
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(data))
    fresh, url = tmp_path / "fresh", new_database("fresh")
    refused = run("restore", str(damaged), cwd=tmp_path, env=service_env(fresh, url))
    assert refused.returncode == 1 and "不完整或已损坏" in refused.stderr
    assert_nothing_restored(fresh, url)
    used = run("restore", str(out), cwd=tmp_path, env=service_env(source["root"], source["url"]))
    assert used.returncode == 1 and "不是空的" in used.stderr
    with tarfile.open(out) as archive:
        member = archive.extractfile("manifest.json")
        assert member is not None
        manifest = json.loads(member.read())
    assert manifest["keys_included"] and manifest["attachments"] == 1


def test_a_backup_with_a_foreign_entry_is_refused_before_anything_is_written(
    tmp_path: Path, new_database: Place
) -> None:
    forged = tmp_path / "forged.tar.gz"
    payload = tmp_path / "payload"
    payload.write_text("x", encoding="utf-8")
    with tarfile.open(forged, "w:gz") as archive:
        archive.add(payload, arcname="../../escaped")
    fresh, url = tmp_path / "fresh", new_database("fresh")
    refused = run("restore", str(forged), cwd=tmp_path, env=service_env(fresh, url))
    assert refused.returncode == 1 and "不属于备份的条目" in refused.stderr
    assert not (tmp_path.parent / "escaped").exists() and not (fresh / "escaped").exists()
    assert_nothing_restored(fresh, url)


def test_a_backup_taken_while_votes_arrive_restores_a_consistent_count(
    source: dict[str, Any], tmp_path: Path, new_database: Place
) -> None:
    out = tmp_path / "busy.tar.gz"
    env = service_env(source["root"], source["url"])
    command = [sys.executable, "-m", "szmqa", "backup", str(out), "--keys", "together"]
    full = {k: v for k, v in os.environ.items() if k not in env and k != "DATABASE_URL"}
    full |= {k: v for k, v in env.items() if v}
    backup = subprocess.Popen(command, cwd=tmp_path, env=full, stderr=subprocess.PIPE, text=True)
    voter: Env = source["env"]
    cast = 0
    # Votes keep arriving while the backup runs (a few: more would meet the vote's own limits
    # from this one address on a slow machine).
    while backup.poll() is None and cast < 10:
        voter.new_visitor()
        assert voter.vote().status_code == 201
        cast += 1
    backup.wait()
    assert backup.returncode == 0, backup.stderr.read() if backup.stderr else ""
    fresh, url = tmp_path / "fresh", new_database("fresh")
    restored = run("restore", str(out), cwd=tmp_path, env=service_env(fresh, url))
    assert restored.returncode == 0, restored.stderr
    database = Database(url)
    try:
        with database.engine.connect() as connection:
            votes = connection.execute(text("SELECT count(*) FROM vote")).scalar_one()
            counted = connection.execute(
                text("SELECT coalesce(sum(votes), 0) FROM vote_network_day")
            ).scalar_one()
    finally:
        database.close()
    # Each vote and its network's daily count were written together: a backup holds both or
    # neither, whenever it was taken.
    assert cast > 0 and votes == counted and 3 <= votes <= 3 + cast
