"""A database outage answers 503 with Retry-After, logs one line per kind, and loses nothing.

SQLite: the database file disappears under the service (its connection closed, a folder where
the file was). PostgreSQL: every connection goes through a TCP proxy that the test cuts
mid-burst (a server restart as the service sees it) and restores.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import LiveServer
from tests.core.tcp_proxy import TcpProxy
from tests.factories import CULTURE, IMAGE_ANSWER, Apps, Env, csrf_of, run_async
from tests.migrations.databases import postgres_schema
from vote_api.core.db import PROBE_TTL_SECONDS
from vote_api.core.errors import DATABASE_RETRY_AFTER
from vote_api.core.state import core_state
from vote_api.voting.receipts import receipt_digest


def outage_lines(records: list[logging.LogRecord]) -> list[str]:
    """The service's outage warnings among the captured log records."""
    return [r.getMessage() for r in records if r.getMessage().startswith("database unavailable")]


def assert_no_tracebacks(records: list[logging.LogRecord]) -> None:
    """No log record of any logger carries a traceback."""
    with_trace = [f"{r.name}: {r.getMessage()}" for r in records if r.exc_info]
    assert not with_trace, with_trace


def assert_unavailable(response: httpx.Response) -> None:
    """A 503 with Retry-After and the Chinese message, never a 500."""
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == str(DATABASE_RETRY_AFTER)
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert "数据库暂时无法连接" in body["message"]


def wait_for_probe() -> None:
    """Let /api/health's cached answer expire."""
    time.sleep(PROBE_TTL_SECONDS + 0.1)


@contextmanager
def sqlite_gone(env: Env) -> Iterator[None]:
    """The SQLite file replaced by a folder (its connection closed), then put back."""
    db = core_state(env.app).db
    path = Path(env.settings.database_url.removeprefix("sqlite:///"))
    db.engine.dispose()
    moved = path.with_suffix(".moved")
    path.rename(moved)
    path.mkdir()
    try:
        yield
    finally:
        path.rmdir()
        moved.rename(path)
        db.engine.dispose()


def test_sqlite_unreachable_503_retry_after_one_line_then_recovers(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    assert env.vote().status_code == 201
    tickets = []
    for _ in range(4):  # voters who got their captcha before the outage
        env.new_visitor()
        tickets.append((env.captcha(), dict(env.client.cookies)))
    sign_in = env.client.get("/admin/sign-in")
    csrf = csrf_of(sign_in.text)
    caplog.set_level(logging.INFO)
    with sqlite_gone(env):
        page = env.client.post(
            "/admin/sign-in",
            data={"csrf": csrf, "name": "张三", "password": "x" * 12, "code": "123456"},
        )
        assert page.status_code == 503 and page.headers["content-type"].startswith("text/plain")
        assert "数据库暂时无法连接" in page.text and page.headers["retry-after"]
        refused = []
        for captcha_id, cookies in tickets:
            env.client.cookies.clear()
            env.client.cookies.update(cookies)
            refused.append(env.vote(captcha_id=captcha_id))
        refused.append(
            env.client.post("/api/captchas", json={"purpose": "vote", "target": CULTURE})
        )
        refused.append(env.client.get("/api/receipts/ACDE-FHJK-MNPR-TUVW"))
        for response in refused:
            assert_unavailable(response)
        wait_for_probe()
        health = env.client.get("/api/health")
        assert health.status_code == 503
        assert health.json() == {
            "status": "degraded", "database": "unreachable", "rate_limit_storage": "ok",
        }  # fmt: skip
        assert health.headers["retry-after"] == str(DATABASE_RETRY_AFTER)
    lines = outage_lines(caplog.records)
    assert len(lines) == 1, lines  # one kind of failure, one line for its eight requests
    assert "sqlite3.OperationalError" in lines[0] and "unable to open database file" in lines[0]
    assert_no_tracebacks(caplog.records)

    wait_for_probe()
    assert env.client.get("/api/health").json()["database"] == "ok"
    receipts = []
    for captcha_id, cookies in tickets:  # nothing was used up: the same captchas vote now
        env.client.cookies.clear()
        env.client.cookies.update(cookies)
        again = env.vote(captcha_id=captcha_id)
        assert again.status_code == 201, again.text
        receipts.append(again.json()["receipt"])
    for receipt in receipts:
        assert env.client.get(f"/api/receipts/{receipt}").json()["counted"] is True


def test_outage_log_is_one_line_per_kind_per_minute(caplog: pytest.LogCaptureFixture) -> None:
    from sqlalchemy import exc

    from vote_api.core.errors import OutageLog

    outages = OutageLog(interval=60)
    refused = exc.OperationalError(
        "SELECT secret FROM t WHERE phone = %s", {"p": "139"}, OSError("down")
    )
    caplog.set_level(logging.WARNING, logger="vote_api")
    for _ in range(50):
        outages.note(refused)
        outages.note(TimeoutError("pool"))
    lines = outage_lines(caplog.records)
    assert len(lines) == 2, lines
    assert all("139" not in line and "SELECT" not in line for line in lines)  # no statement
    outages.interval = 0  # a minute later: the next line says how many it stood for
    outages.note(refused)
    assert "49 more since the last line" in outage_lines(caplog.records)[-1]


# -- PostgreSQL through a proxy that is cut mid-burst --------------------------------------------

VOTERS = 120
CLIENTS = 12


def through(url: str, proxy: TcpProxy) -> str:
    """The database URL with its host and port replaced by the proxy's."""
    parsed = make_url(url).set(host="127.0.0.1", port=proxy.port)
    return parsed.render_as_string(hide_password=False)


async def tickets(base: str) -> list[tuple[str, str]]:
    """A captcha and a voter cookie for each voter."""
    found = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for _ in range(VOTERS):
            client.cookies.clear()
            response = await client.post(
                "/api/captchas", json={"purpose": "vote", "target": CULTURE}
            )
            assert response.status_code == 200, response.text
            found.append(
                (response.json()["captcha_id"], response.headers["set-cookie"].split(";")[0])
            )
    return found


async def vote(client: httpx.AsyncClient, ticket: tuple[str, str]) -> httpx.Response:
    """One voter's vote for CU02."""
    captcha_id, cookie = ticket
    body = {"captcha_id": captcha_id, "captcha_answer": IMAGE_ANSWER, "candidates": ["CU02"]}
    return await client.post(f"/api/ballots/{CULTURE}/votes", json=body, headers={"Cookie": cookie})


async def burst(base: str, queue: list[tuple[str, str]], proxy: TcpProxy) -> dict[str, Any]:
    """Votes from CLIENTS clients; the proxy is cut after a third are in, restored 1.5 s later."""
    seen: dict[str, Any] = {"accepted": [], "refused": [], "other": [], "health": None}
    cut = asyncio.Event()

    async def cut_and_restore() -> None:
        proxy.cut()
        cut.set()
        await asyncio.sleep(1.5)
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            seen["health"] = await client.get("/api/health")
        await asyncio.to_thread(proxy.restore)

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            while queue:
                ticket = queue.pop()
                response = await vote(http, ticket)
                if response.status_code == 201:
                    seen["accepted"].append(response.json()["receipt"])
                elif response.status_code == 503:
                    seen["refused"].append((ticket, response))
                else:
                    seen["other"].append(response)
                if len(seen["accepted"]) >= VOTERS // 3 and not cut.is_set():
                    cut.set()
                    restoring.append(asyncio.ensure_future(cut_and_restore()))
                await asyncio.sleep(0.02)

    restoring: list[asyncio.Future[None]] = []
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    await asyncio.gather(*restoring)
    return seen


@pytest.mark.services
def test_postgresql_cut_mid_burst_503_nothing_lost_recovers(
    make_env: Apps, postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    upstream = make_url(postgres_url)
    with (
        postgres_schema(postgres_url) as url,
        TcpProxy((upstream.host or "127.0.0.1", upstream.port or 5432)) as proxy,
    ):
        env = make_env(database_url=through(url, proxy), ratelimit_enabled=False)
        caplog.set_level(logging.INFO)
        with LiveServer(env.app, log_config=None) as server:  # logs reach caplog
            queue = run_async(tickets(server.url))
            seen = run_async(burst(server.url, queue, proxy))
            assert not seen["other"], [(r.status_code, r.text) for r in seen["other"]]
            assert seen["refused"], "the cut refused no vote: it came too late"
            for _, response in seen["refused"]:
                assert_unavailable(response)
            assert seen["health"].status_code == 503
            assert seen["health"].json()["database"] == "unreachable"
            lines = outage_lines(caplog.records)
            assert 1 <= len(lines) <= 6, lines  # a line per kind, not per request
            assert_no_tracebacks(caplog.records)

            wait_for_probe()
            assert httpx.get(f"{server.url}/api/health").status_code == 200
            retried = run_async(retry([ticket for ticket, _ in seen["refused"]], server.url))
        accepted = seen["accepted"] + [r.json()["receipt"] for r in retried if r.status_code == 201]
        # A vote whose answer the cut swallowed may have been committed: its retry is refused.
        assert all(r.status_code in (201, 400, 409) for r in retried), [r.text for r in retried]
        direct = create_engine(url)
        with direct.connect() as connection:
            stored = set(connection.execute(text("SELECT receipt_digest FROM vote")).scalars())
        direct.dispose()
    assert {receipt_digest(receipt) for receipt in accepted} <= stored  # nothing accepted lost
    assert len(stored) == VOTERS  # and every voter's vote is in, once


async def retry(refused: list[tuple[str, str]], base: str) -> list[httpx.Response]:
    """Each refused voter tries once more after the restore."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        return [await vote(client, ticket) for ticket in refused]
