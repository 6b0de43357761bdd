"""One vendor token raced by 30 voters at once: exactly one vote, the vendor asked once.

Each request is another voter (no cookie) from its own address behind the trusted proxy,
so neither the one-vote rule nor the rate limits refuse them: only the database's record of
used tokens can. On SQLite in process, and on PostgreSQL with two uvicorn workers.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.core.humancheck.vendors import tencent_answer, tencent_settings
from tests.factories import CULTURE, Apps, run_async
from tests.voting.sms.fake_endpoint import FakeEndpoint, Reply
from vote_api.core.state import core_state

CONCURRENT = 30
TICKET = "tr03-raced-ticket-" + "r" * 200


async def race(url: str) -> Counter[tuple[int, str]]:
    """``CONCURRENT`` voters post the same ticket at once; their (status, code)s."""
    start = asyncio.Event()

    async def one(n: int) -> tuple[int, str]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as voter:
            await start.wait()
            response = await voter.post(
                f"/api/ballots/{CULTURE}/votes",
                json={"captcha_id": TICKET, "captcha_answer": "@r4c", "candidates": ["CU01"]},
                headers={"X-Forwarded-For": f"198.19.{n // 250}.{n % 250 + 1}"},
            )
            return response.status_code, response.json().get("code", "")

    tasks = [asyncio.create_task(one(n)) for n in range(CONCURRENT)]
    await asyncio.sleep(0.1)
    start.set()
    return Counter(await asyncio.gather(*tasks))


EXPECTED = Counter({(201, ""): 1, (400, "captcha_invalid"): CONCURRENT - 1})


def test_race_sqlite_one_ticket_one_vote(
    make_env: Apps, live_server: Any, endpoint: FakeEndpoint
) -> None:
    endpoint.reply = Reply(body=tencent_answer(1), delay=0.05)
    env = make_env(trusted_proxies="127.0.0.1", **tencent_settings(endpoint, "vote"))
    server = live_server(env.app)
    assert run_async(race(server.url)) == EXPECTED
    assert len(endpoint.received) == 1
    with core_state(env.app).db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM vote")).scalar_one() == 1


@pytest.mark.services
def test_race_postgres_two_workers_one_ticket_one_vote(
    postgres_url: str, demo_dir: Path, server_process: Any, endpoint: FakeEndpoint
) -> None:
    endpoint.reply = Reply(body=tencent_answer(1), delay=0.05)
    schema = f"ticket_race_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres_url else "?"
    vendor = {
        f"SZMQA_{name.upper()}": str(value)
        for name, value in tencent_settings(endpoint, "vote").items()
    }
    try:
        server = server_process(
            {
                "SZMQA_DATABASE_URL": f"{postgres_url}{separator}options=-csearch_path%3D{schema}",
                "SZMQA_RATELIMIT_ENABLED": "false",
                "SZMQA_TRUSTED_PROXIES": "127.0.0.1",
                "SZMQA_DEMO_DIR": str(demo_dir),
                "SZMQA_DATA_DIR": str(demo_dir.parent / f"{schema}-data"),
                **vendor,
            },
            workers=2,
        )
        assert run_async(race(server.url)) == EXPECTED
        server.stop()
        assert len(endpoint.received) == 1
        with admin.connect() as connection:
            stored = connection.execute(text(f'SELECT count(*) FROM "{schema}".vote')).scalar_one()
        assert stored == 1
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
