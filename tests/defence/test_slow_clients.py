"""A 32 MB header and 200 idle connections do not stop the service answering a heartbeat."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import httpx

from tests.conftest import free_port
from tests.factories import Env
from vote_api.core.serving import server_limits

IDLE_CONNECTIONS = 200
BIG_HEADER_BYTES = 32 * 1024 * 1024


class Server:
    """uvicorn with the service's limits, in a background thread."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="critical",
            proxy_headers=False, **server_limits(),
        )  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive()
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _send_big_header(port: int, outcome: dict[str, Any]) -> None:
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    sent = 0
    try:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Padding: ")
        chunk = b"a" * (1024 * 1024)
        while sent < BIG_HEADER_BYTES:
            sock.sendall(chunk)
            sent += len(chunk)
        sock.sendall(b"\r\n\r\n")
        outcome["answer"] = sock.recv(200)
    except OSError as error:  # the server closed the connection on it
        outcome["closed"] = repr(error)
    finally:
        outcome["sent"] = sent
        sock.close()


def test_slow_clients_big_header_and_idle_connections_leave_the_heartbeat(env: Env) -> None:
    with Server(env.app) as server:
        idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(100)]
        # Half of them start a request and never finish it (slowloris).
        for sock in idle[:50]:
            sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
        idle += [socket.create_connection(("127.0.0.1", server.port)) for _ in range(100)]
        outcome: dict[str, Any] = {}
        big = threading.Thread(target=_send_big_header, args=(server.port, outcome))
        big.start()
        time.sleep(0.5)  # the big header is streaming
        started = time.monotonic()
        response = httpx.get(f"http://127.0.0.1:{server.port}/api/health", timeout=10)
        elapsed = time.monotonic() - started
        big.join(timeout=60)
        for sock in idle:
            sock.close()
    assert len(idle) == IDLE_CONNECTIONS
    assert response.status_code == 200
    assert elapsed < 5
    assert not big.is_alive()
    answer = outcome.get("answer", b"")
    assert "closed" in outcome or not answer.startswith(b"HTTP/1.1 200"), outcome
