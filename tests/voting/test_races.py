"""Races: 50 concurrent votes with one voter token store exactly one vote, the rest get 409.

On SQLite (one server, the embedded default) and on PostgreSQL with two uvicorn worker
processes sharing Redis for the rate limits. Each request comes from its own address behind
the trusted proxy 127.0.0.1, so rate limits are not what refuses them: only the database's
unique constraint can.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.factories import CULTURE, IMAGE_ANSWER, Apps, ServerProcess, run_async
from vote_api.core.state import core_state

CONCURRENT = 50


def address(n: int) -> str:
    return f"198.18.{n // 250}.{n % 250 + 1}"


async def race(url: str, ballot: str, count: int = CONCURRENT) -> Counter[int]:
    """One voter (one cookie) sends ``count`` votes at once, each with its own captcha."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        first = await client.post(
            "/api/captchas",
            json={"purpose": "vote", "target": ballot},
            headers={"X-Forwarded-For": address(0)},
        )
        cookie = first.headers["set-cookie"].split(";")[0]
        captchas = [first.json()["captcha_id"]]
        for n in range(1, count):
            issued = await client.post(
                "/api/captchas",
                json={"purpose": "vote", "target": ballot},
                headers={"X-Forwarded-For": address(n), "Cookie": cookie},
            )
            assert issued.status_code == 200, issued.text
            captchas.append(issued.json()["captcha_id"])

    async def one(n: int, captcha_id: str) -> int:
        async with httpx.AsyncClient(base_url=url, timeout=30) as voter:  # own connection
            response = await voter.post(
                f"/api/ballots/{ballot}/votes",
                json={"captcha_id": captcha_id, "captcha_answer": IMAGE_ANSWER,
                      "candidates": ["CU01"]},
                headers={"X-Forwarded-For": address(n), "Cookie": cookie},
            )  # fmt: skip
            if response.status_code == 409:
                assert response.json()["code"] == "already_voted"
            return response.status_code

    start = asyncio.Event()

    async def gated(n: int, captcha_id: str) -> int:
        await start.wait()
        return await one(n, captcha_id)

    tasks = [asyncio.create_task(gated(n, c)) for n, c in enumerate(captchas)]
    await asyncio.sleep(0.05)
    start.set()
    return Counter(await asyncio.gather(*tasks))


def test_race_sqlite_fifty_votes_one_token_exactly_one_stored(
    make_env: Apps, live_server: Any
) -> None:
    env = make_env(trusted_proxies="127.0.0.1")
    server = live_server(env.app)  # uvicorn's own X-Forwarded-For handling is off
    statuses = run_async(race(server.url, CULTURE))
    assert statuses == Counter({201: 1, 409: CONCURRENT - 1})
    with core_state(env.app).db.engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM vote")).scalar_one()
    assert stored == 1


@pytest.mark.services
def test_race_postgres_two_workers_fifty_votes_one_token_exactly_one_stored(
    postgres_url: str, redis_url: str, demo_dir: Any, server_process: Any
) -> None:
    import redis

    schema = f"vote_race_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    cache = redis.Redis.from_url(redis_url)
    prefix = "198.18."  # the race's addresses: only their keys are removed afterwards
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres_url else "?"
    try:
        server: ServerProcess = server_process(
            {
                "SZMQA_DATABASE_URL": f"{postgres_url}{separator}options=-csearch_path%3D{schema}",
                "SZMQA_RATELIMIT_STORAGE_URI": redis_url,
                "SZMQA_TRUSTED_PROXIES": "127.0.0.1",
                "SZMQA_DEMO_DIR": str(demo_dir),
                "SZMQA_DATA_DIR": str(demo_dir.parent / f"{schema}-data"),
            },
            workers=2,
        )
        statuses = run_async(race(server.url, CULTURE))
        assert statuses == Counter({201: 1, 409: CONCURRENT - 1})
        server.stop()
        with admin.connect() as connection:
            stored = connection.execute(text(f'SELECT count(*) FROM "{schema}".vote')).scalar_one()
        assert stored == 1
        assert any(prefix in key.decode() for key in cache.scan_iter("LIMITS:*szmqa*"))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        for key in cache.scan_iter("LIMITS:*szmqa*"):
            if prefix in key.decode():
                cache.delete(key)
        admin.dispose()
