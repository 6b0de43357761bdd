"""Slow and idle clients cannot stop the service answering a heartbeat.

A 32 MB header, 200 idle connections, and 1,000 half-sent request heads from one client
(``vote_api.core.serving.HeadGuard``). Each client has its own loopback address (127.0.0.x),
as the guard counts per client address.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import httpx

from tests.conftest import LiveServer
from tests.factories import Env
from vote_api.core.serving import server_limits

IDLE_CONNECTIONS = 200
BIG_HEADER_BYTES = 32 * 1024 * 1024


HALF_SENT_HEADS = 1000
#: The attacker's, the big header's and the heartbeat's addresses.
ATTACKER, BIG, PROBE = "127.0.0.2", "127.0.0.3", "127.0.0.4"


def limited_server(app: Any, **limits: Any) -> LiveServer:
    """uvicorn with the service's limits, in a background thread."""
    return LiveServer(app, log_level="critical", **server_limits(**limits))


def _send_big_header(port: int, outcome: dict[str, Any]) -> None:
    sock = socket.create_connection(("127.0.0.1", port), timeout=20, source_address=(BIG, 0))
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


def probe(port: int, timeout: float = 10) -> httpx.Response:
    """GET /api/health from the heartbeat's own address."""
    transport = httpx.HTTPTransport(local_address=PROBE)
    with httpx.Client(transport=transport, timeout=timeout) as client:
        return client.get(f"http://127.0.0.1:{port}/api/health")


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server has closed this connection (end of stream or reset)."""
    sock.settimeout(0.01)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def test_slow_clients_big_header_and_idle_connections_leave_the_heartbeat(env: Env) -> None:
    with limited_server(env.app) as server:
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
        response = probe(server.port)
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


def test_slow_clients_1000_half_sent_heads_from_one_client_leave_the_heartbeat(env: Env) -> None:
    with limited_server(env.app, head_timeout=3.0) as server:
        heads = []
        for _ in range(HALF_SENT_HEADS):
            sock = socket.create_connection(
                ("127.0.0.1", server.port), source_address=(ATTACKER, 0)
            )
            sock.sendall(b"POST /api/ballots/x/votes HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            heads.append(sock)
        started = time.monotonic()
        during = probe(server.port)
        elapsed = time.monotonic() - started
        # A legitimate slow head from another client, finished within the deadline, is served.
        slow = socket.create_connection(("127.0.0.1", server.port), source_address=(BIG, 0))
        slow.sendall(b"GET /api/health HTTP/1.1\r\n")
        time.sleep(1.0)
        slow.sendall(b"Host: x\r\nConnection: close\r\n\r\n")
        slow.settimeout(10)
        slow_answer = slow.recv(100)
        slow.close()
        held = sum(not closed_by_server(sock) for sock in heads)
        time.sleep(3.5)  # past the head deadline
        still_held = sum(not closed_by_server(sock) for sock in heads)
        after = probe(server.port)
        for sock in heads:
            sock.close()
    assert during.status_code == 200 and elapsed < 2, (during.status_code, elapsed)
    assert slow_answer.startswith(b"HTTP/1.1 200"), slow_answer
    assert 0 < held <= 64  # the rest were closed as they came
    assert still_held == 0  # the deadline closed the ones it had let wait
    assert after.status_code == 200
