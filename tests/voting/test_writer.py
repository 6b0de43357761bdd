"""Group commit: votes that arrive together share a transaction but not each other's failures."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from tests.factories import run_async
from vote_api.core.db import Database
from vote_api.voting.writer import VoteWriter


class DeadlockVictim(Exception):
    """Looks like psycopg's DeadlockDetected to the writer."""

    sqlstate = "40P01"


@pytest.fixture
def database(tmp_path: Path) -> Any:
    db = Database(f"sqlite:///{tmp_path}/writer.db")
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE scratch (label TEXT UNIQUE)"))
    yield db
    db.close()


def in_one_transaction(db: Database) -> Any:
    """A record function for the writer: run each item (a session work) in one transaction."""

    def run(works: list[Any]) -> list[Any]:
        with db.session() as session:
            results = [work(session) for work in works]
            session.commit()
        return results

    async def record(works: list[Any]) -> list[Any]:
        return await db.call(lambda: run(works))

    return record


def writer_for(db: Database) -> VoteWriter[Any, Any]:
    """A writer whose items are session works."""
    return VoteWriter(db, in_one_transaction(db))


def insert(label: str, pause: float = 0.0) -> Any:
    def work(session: Session) -> str:
        time.sleep(pause)
        session.connection().execute(text("INSERT INTO scratch VALUES (:l)"), {"l": label})
        return label

    return work


def labels(db: Database) -> list[str]:
    with db.engine.connect() as connection:
        return sorted(connection.execute(text("SELECT label FROM scratch")).scalars())


def test_writer_batches_rounds_and_isolates_a_failing_vote(database: Database) -> None:
    def broken(session: Session) -> str:
        session.connection().execute(text("INSERT INTO scratch VALUES ('half')"))
        raise RuntimeError("bug in one vote")

    async def scenario() -> list[Any]:
        writer = writer_for(database)
        first = asyncio.ensure_future(writer.write(insert("first", pause=0.2)))
        await asyncio.sleep(0.05)  # the first round is under way: the next three wait together
        rest = [writer.write(insert("a")), writer.write(broken), writer.write(insert("b"))]
        return await asyncio.gather(first, *rest, return_exceptions=True)

    first, a, failed, b = run_async(scenario())
    assert (first, a, b) == ("first", "a", "b")
    assert isinstance(failed, RuntimeError)
    assert labels(database) == ["a", "b", "first"]  # nothing of the failed vote was kept


def test_writer_tries_a_deadlock_victim_again(database: Database) -> None:
    attempts: list[int] = []

    def victim_once(session: Session) -> str:
        attempts.append(1)
        session.connection().execute(text("INSERT INTO scratch VALUES ('retried')"))
        if len(attempts) == 1:
            raise DeadlockVictim("deadlock detected")
        return "retried"

    async def scenario() -> str:
        return await writer_for(database).write(victim_once)

    assert run_async(scenario()) == "retried"
    assert len(attempts) == 2
    assert labels(database) == ["retried"]


def test_writer_gives_up_after_repeated_deadlocks(database: Database) -> None:
    def always(session: Session) -> str:
        raise DeadlockVictim("deadlock detected")

    async def scenario() -> str:
        return await writer_for(database).write(always)

    with pytest.raises(DeadlockVictim):
        run_async(scenario())
