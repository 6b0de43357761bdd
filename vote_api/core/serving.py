"""uvicorn's limits for this service: slow or idle clients and huge headers cannot tie it up.

Used by ``szmqa serve``; the README's uvicorn command passes the same values as options.
"""

from __future__ import annotations

from typing import Any

#: Close a kept-alive connection after this many idle seconds (uvicorn's --timeout-keep-alive).
KEEP_ALIVE_SECONDS = 5
#: Answer 503 beyond this many connections and requests at once (--limit-concurrency).
MAX_CONCURRENCY = 1000
#: The most bytes of an unfinished request head h11 buffers (--h11-max-incomplete-event-size).
MAX_HEAD_BYTES = 64 * 1024


def server_limits() -> dict[str, Any]:
    """The keyword arguments of ``uvicorn.run`` / ``uvicorn.Config`` that bound clients.

    h11, not httptools: uvicorn puts no bound on an httptools request head, and a 32 MB header
    held a worker's heartbeat back 6 s (tests/defence/test_slow_clients.py); h11 refuses a head
    past ``MAX_HEAD_BYTES`` at once.
    """
    return {
        "http": "h11",
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "limit_concurrency": MAX_CONCURRENCY,
        "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
    }
