"""Which encryption keys the running services hold, so that ``szmqa rotate-keys`` can wait.

Each worker process records the fingerprints of its encryption keys (never the keys) in
``service_keys`` when it starts, refreshes the row every minute, and removes it when it
stops. ``szmqa rotate-keys`` re-seals data with the newest key; a worker still holding only
the old keys could then open nothing (every staff member locked out of it), so the command
refuses while any worker seen in the last few minutes lacks the newest key.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import os
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

from sqlmodel import Field, Session, SQLModel, col, delete, select

from vote_api.core.db import Database
from vote_api.core.timeutil import moment_field, to_db

#: How often a worker refreshes its row; a row older than STALE belongs to a stopped worker.
REFRESH_SECONDS = 60
STALE = timedelta(minutes=3)
_CHECK = b"szmqa backup key check v1"


class ServiceKeys(SQLModel, table=True):
    """One running worker process and the fingerprints of its encryption keys."""

    __tablename__ = "service_keys"

    worker: str = Field(primary_key=True, max_length=120)
    #: Fingerprints of the encryption keys, newest first, comma-separated.
    encryption_keys: str = Field(max_length=2000)
    seen_at: datetime = moment_field()


def fingerprint(key: str) -> str:
    """A key's fingerprint: says whether two keys are the same without revealing either."""
    return hmac.new(key.encode("utf-8"), _CHECK, hashlib.sha256).hexdigest()[:24]


def worker_name() -> str:
    """This process: host, process id and a random part (a reused pid is another worker)."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


def announce(session: Session, worker: str, keys: list[str], now: datetime) -> None:
    """Record (or refresh) a worker's key fingerprints."""
    session.exec(delete(ServiceKeys).where(col(ServiceKeys.worker) == worker))
    prints = ",".join(fingerprint(key) for key in keys)
    session.add(ServiceKeys(worker=worker, encryption_keys=prints, seen_at=to_db(now)))
    session.commit()


def withdraw(session: Session, worker: str) -> None:
    """Remove a stopping worker's row."""
    session.exec(delete(ServiceKeys).where(col(ServiceKeys.worker) == worker))
    session.commit()


def _alive_here(worker: str) -> bool:
    """Whether a worker of this host is still running (its process id exists)."""
    host, _, rest = worker.rpartition(":")[0].rpartition(":")
    if host != socket.gethostname()[:80] or not rest.isdigit():
        return False
    try:
        os.kill(int(rest), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def workers_without(session: Session, newest_key: str, now: datetime) -> list[str]:
    """The running workers that do not hold ``newest_key``: seen within STALE, or alive here."""
    wanted = fingerprint(newest_key)
    rows = session.exec(select(ServiceKeys)).all()
    return [
        row.worker
        for row in rows
        if wanted not in row.encryption_keys.split(",")
        and (to_db(row.seen_at) > to_db(now - STALE) or _alive_here(row.worker))
    ]


@contextlib.asynccontextmanager
async def present(
    db: Database, keys: list[str], now: Callable[[], datetime], *, refresh: bool
) -> AsyncIterator[None]:
    """While the block runs, keep this worker's row in ``service_keys``.

    Written once before the first request; refreshed every minute only where the database
    takes work from several threads (PostgreSQL). SQLite's one connection is shared, so
    there the row is written once, and a worker is known alive by its process id.
    """
    worker = worker_name()
    with contextlib.suppress(Exception):  # a database outage must not stop the start
        await db.run(lambda session: announce(session, worker, keys, now()))

    async def refreshing() -> None:
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            with contextlib.suppress(Exception):
                await db.run(lambda session: announce(session, worker, keys, now()))

    task = asyncio.create_task(refreshing()) if refresh else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        with contextlib.suppress(Exception):
            await db.run(lambda session: withdraw(session, worker))
