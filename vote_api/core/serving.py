"""uvicorn's limits for this service: slow or idle clients and huge headers cannot tie it up.

Used by ``szmqa serve``; the README's uvicorn command passes the same values as options
(behind nginx, whose ``client_header_timeout`` plays the part of ``HeadGuard``).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: Close a kept-alive connection after this many idle seconds (uvicorn's --timeout-keep-alive).
KEEP_ALIVE_SECONDS = 5
#: Answer 503 beyond this many connections and requests at once (--limit-concurrency).
MAX_CONCURRENCY = 1000
#: The most bytes of an unfinished request head h11 buffers (--h11-max-incomplete-event-size).
MAX_HEAD_BYTES = 64 * 1024
#: A request head must be complete this many seconds after the connection opens (or, on a
#: kept-alive connection, after its first byte); otherwise the connection is closed.
HEAD_TIMEOUT_SECONDS = 10.0
#: New connections one client address may hold open before their first request head is
#: complete; one more is closed at once. Browsers open a handful; this leaves room for many
#: people behind one address, while a client holding half-sent heads cannot fill the server.
MAX_PENDING_HEADS_PER_CLIENT = 64


class HeadGuard(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request head and a cap per client address
    on connections still waiting for their first one (uvicorn has neither: a half-sent head
    holds its connection, and its share of ``limit_concurrency``, for as long as the client likes).
    """

    head_timeout = HEAD_TIMEOUT_SECONDS
    max_pending = MAX_PENDING_HEADS_PER_CLIENT
    #: Connections waiting for their first head, by client address (one event loop a worker).
    pending: ClassVar[Counter[str]] = Counter()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Count the connection against its address (closing it past the cap); start the clock."""
        super().connection_made(transport)
        self._head_timer: asyncio.TimerHandle | None = None
        self._pending_as: str | None = None
        address = self.client[0] if self.client else ""
        if self.pending[address] >= self.max_pending:
            transport.close()
            return
        self.pending[address] += 1
        self._pending_as = address
        self._start_head_clock()

    def data_received(self, data: bytes) -> None:
        """Start the clock on a kept-alive connection's next head; stop it once a head is in."""
        if (
            self.conn.their_state is h11.IDLE
            and self._head_timer is None
            and not self.transport.is_closing()
        ):
            self._start_head_clock()
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._head_done()

    def connection_lost(self, exc: Exception | None) -> None:
        """Release the connection's count and clock."""
        self._head_done()
        super().connection_lost(exc)

    def _start_head_clock(self) -> None:
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_late)

    def _head_late(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()

    def _head_done(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        if self._pending_as is not None:
            self.pending[self._pending_as] -= 1
            if self.pending[self._pending_as] <= 0:
                del self.pending[self._pending_as]
            self._pending_as = None


def server_limits(
    head_timeout: float = HEAD_TIMEOUT_SECONDS, max_pending: int = MAX_PENDING_HEADS_PER_CLIENT
) -> dict[str, Any]:
    """The keyword arguments of ``uvicorn.run`` / ``uvicorn.Config`` that bound clients.

    h11, not httptools: uvicorn puts no bound on an httptools request head, and a 32 MB header
    held a worker's heartbeat back 6 s (tests/defence/test_slow_clients.py); h11 refuses a head
    past ``MAX_HEAD_BYTES`` at once, and ``HeadGuard`` closes heads that never finish.
    """
    guard = type(
        "HeadGuard",
        (HeadGuard,),
        {"head_timeout": head_timeout, "max_pending": max_pending, "pending": Counter()},
    )
    return {
        "http": guard,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "limit_concurrency": MAX_CONCURRENCY,
        "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
    }
