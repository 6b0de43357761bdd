"""Limits shared in Redis: counted without blocking, one count for every worker, Redis' loss survived.

With a shared storage the route limits are counted through ``limits``' asyncio Redis client
(the event loop serves other requests during the round trip), in the same keys slowapi's own
check uses. If Redis goes away the per-process fallback takes over, and the shared count
resumes once slowapi finds Redis again.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import redis

from tests.conftest import free_port, missing
from tests.factories import CULTURE, Apps, Env, per_minute
from vote_api.core.limits import RECEIPT_LIMIT

RECEIPT = "/api/receipts/ACDE-FHJK-MNPR-TUVW"
#: The test client's address, as the limits key it.
CLIENT = "testclient"


def our_keys(cache: redis.Redis) -> list[bytes]:
    """The limit keys of the test client's address."""
    return list(cache.scan_iter(f"LIMITS:*szmqa*{CLIENT}*"))


@pytest.fixture
def shared_cache(redis_url: str) -> Iterator[redis.Redis]:
    """The shared Redis, without the test client's keys before and after."""
    cache = redis.Redis.from_url(redis_url)
    for key in our_keys(cache):
        cache.delete(key)
    yield cache
    for key in our_keys(cache):
        cache.delete(key)
    cache.close()


@pytest.mark.services
def test_shared_limits_one_count_for_every_app(
    make_env: Apps, redis_url: str, shared_cache: redis.Redis
) -> None:
    first, second = (
        make_env(ratelimit_storage_uri=redis_url),
        make_env(ratelimit_storage_uri=redis_url),
    )
    allowed = per_minute(RECEIPT_LIMIT)
    statuses = [first.client.get(RECEIPT).status_code for _ in range(allowed)]
    assert statuses == [404] * allowed
    assert our_keys(shared_cache), "the count is kept in Redis"
    refused = second.client.get(RECEIPT)  # another worker: the same count
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited" and "秒后重试" in refused.json()["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def start_redis(port: int) -> subprocess.Popen[bytes]:
    """A private redis-server on ``port`` that keeps nothing on disk; returned once it answers."""
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            client.ping()
            return process
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


def health(env: Env) -> str:
    return str(env.client.get("/api/health").json()["status"])


@pytest.mark.services
def test_shared_limits_survive_redis_going_away_and_coming_back(make_env: Apps) -> None:
    if shutil.which("redis-server") is None:
        missing("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    private = start_redis(port)
    try:
        env = make_env(ratelimit_storage_uri=f"redis://127.0.0.1:{port}/0")
        assert env.vote(CULTURE).status_code == 201
        cache = redis.Redis(port=port)
        assert our_keys(cache), "counted in the shared storage"
        private.kill()
        private.wait()
        during = [env.client.get(RECEIPT).status_code for _ in range(3)]
        assert during == [404, 404, 404]  # the fallback limits; never a 500
        assert health(env) == "degraded"
        cache.close()

        private = start_redis(port)  # back, empty
        cache = redis.Redis(port=port)
        deadline = time.monotonic() + 15
        while health(env) != "ok" and time.monotonic() < deadline:
            env.client.get(RECEIPT)  # a limited request is what looks for Redis again
            time.sleep(0.3)
        assert health(env) == "ok"
        env.client.get(RECEIPT)
        assert our_keys(cache), "counted in the shared storage again"
        cache.close()
    finally:
        private.kill()
        private.wait()


class HoldingProxy:
    """A TCP proxy to Redis whose replies can be held back: Redis answering slowly, on demand."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.replies = threading.Event()
        self.replies.set()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pump, args=(client, upstream, None), daemon=True).start()
            threading.Thread(
                target=self._pump, args=(upstream, client, self.replies), daemon=True
            ).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket, gate: threading.Event | None) -> None:
        try:
            while data := source.recv(65536):
                if gate is not None:
                    gate.wait()
                target.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.replies.set()
        self.listener.close()


@pytest.mark.services
def test_shared_limits_waiting_on_redis_does_not_stop_other_requests(
    make_env: Apps, redis_url: str, shared_cache: redis.Redis, live_server: Any
) -> None:
    upstream = shared_cache.connection_pool.connection_kwargs["port"]
    proxy = HoldingProxy(upstream)
    database = urlsplit(redis_url).path or "/0"
    try:
        env = make_env(ratelimit_storage_uri=f"redis://127.0.0.1:{proxy.port}{database}")
        server = live_server(env.app)
        with httpx.Client(base_url=server.url, timeout=10) as client:
            assert client.get(RECEIPT).status_code == 404  # connected through the proxy
        proxy.replies.clear()  # Redis now "takes its time"
        with ThreadPoolExecutor(max_workers=1) as pool:
            held = pool.submit(httpx.get, f"{server.url}{RECEIPT}", timeout=30)
            time.sleep(0.3)  # the held request is waiting on Redis
            assert not held.done()
            beat = httpx.get(f"{server.url}/api/health", timeout=5)  # blocked loop: a timeout
            assert beat.status_code == 200 and not held.done()
            proxy.replies.set()
            assert held.result().status_code == 404
    finally:
        proxy.close()
