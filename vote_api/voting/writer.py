"""Writing votes with group commit: the votes that arrive together share one transaction.

A vote is answered only once the commit that holds it has returned, so every 2xx is durable
while a round of many votes costs one commit (one fsync on SQLite with ``synchronous=FULL``;
one statement, hence one round trip and one WAL flush, on PostgreSQL). Refusals are results,
not errors, so they commit too (the captcha stays used up). If a round fails unexpectedly it
is rolled back and each of its votes is run again in a round of its own, so one broken vote
never costs the others theirs; a vote that PostgreSQL picked as a deadlock victim (two
workers' rounds waiting on each other's voters) is simply tried again.

SQLite has one database thread, so one round runs at a time. On PostgreSQL several rounds
run at once on the thread pool, each on its own connection, so the server's cores work on
one round while the next is being gathered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from vote_api.core.db import Database

T = TypeVar("T")
R = TypeVar("R")

#: At most this many votes in one transaction (bounds the wait of the last one in a round).
MAX_BATCH = 64
#: Rounds under way at once on PostgreSQL (each holds a pooled connection).
SERVER_ROUNDS = 2
#: SQLSTATEs after which a vote is tried again: deadlock victim, serialization failure.
RETRY_STATES = frozenset({"40P01", "40001"})
MAX_ATTEMPTS = 3


@dataclass
class _Pending(Generic[T, R]):
    item: T
    future: asyncio.Future[R]
    attempts: int = 0
    alone: bool = False


def _sqlstate(error: BaseException) -> str | None:
    original = getattr(error, "orig", None) or error
    return getattr(original, "sqlstate", None)


class VoteWriter(Generic[T, R]):
    """Records items durably in rounds: ``await record(items)`` returns one result per item.

    ``record`` makes the whole round durable (one transaction) or raises, having written
    nothing.
    """

    def __init__(
        self,
        db: Database,
        record: Callable[[list[T]], Awaitable[list[R]]],
        *,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._record = record
        self._max_batch = max_batch
        self._max_rounds = 1 if db.is_sqlite else SERVER_ROUNDS
        self._pending: list[_Pending[T, R]] = []
        self._rounds: set[asyncio.Task[None]] = set()

    async def write(self, item: T) -> R:
        """Record ``item`` and return its result once the round that holds it is durable."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(item, future))
        self._start_rounds()
        return await future

    def _start_rounds(self) -> None:
        while self._pending and len(self._rounds) < self._max_rounds:
            if self._pending[0].alone:
                batch = [self._pending.pop(0)]
            else:
                batch = []
                while self._pending and not self._pending[0].alone and len(batch) < self._max_batch:
                    batch.append(self._pending.pop(0))
            task = asyncio.get_running_loop().create_task(self._round(batch))
            self._rounds.add(task)
            task.add_done_callback(self._round_done)

    def _round_done(self, task: asyncio.Task[None]) -> None:
        self._rounds.discard(task)
        self._start_rounds()

    async def _round(self, batch: list[_Pending[T, R]]) -> None:
        items = [pending.item for pending in batch]
        try:
            results = await self._record(items)
        except Exception as error:  # rolled back: nothing of this round was written
            self._after_failure(batch, error)
            return
        for item, result in zip(batch, results, strict=True):
            if not item.future.done():  # (a client that went away keeps its committed vote)
                item.future.set_result(result)

    def _after_failure(self, batch: list[_Pending[T, R]], error: Exception) -> None:
        if len(batch) > 1:  # find the culprit: every vote of the round again, on its own
            for item in batch:
                item.alone = True
            self._pending[:0] = batch
            return
        [item] = batch
        if _sqlstate(error) in RETRY_STATES and item.attempts + 1 < MAX_ATTEMPTS:
            item.attempts += 1
            self._pending.insert(0, item)
        elif not item.future.done():
            item.future.set_exception(error)
