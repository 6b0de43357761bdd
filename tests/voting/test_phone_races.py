"""Scale-out hostility on PostgreSQL + Redis: one number, two workers; Redis killed mid-run."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import free_port, missing
from tests.factories import CULTURE, IMAGE_ANSWER, PHONE, ServerProcess, phone_content, run_async

CONCURRENT = 50


def _schema(postgres_url: str) -> tuple[str, str, Any]:
    schema = f"phone_race_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres_url else "?"
    return schema, f"{postgres_url}{separator}options=-csearch_path%3D{schema}", admin


def _drop(admin: Any, schema: str) -> None:
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


async def _verified_cookie(client: httpx.AsyncClient) -> str:
    captcha = await client.post("/api/captchas", json={"purpose": "sms", "target": CULTURE})
    sent = await client.post(
        "/api/phone/codes",
        json={
            "ballot_id": CULTURE,
            "phone": PHONE,
            "captcha_id": captcha.json()["captcha_id"],
            "captcha_answer": IMAGE_ANSWER,
        },
    )
    assert sent.status_code == 200, sent.text
    verified = await client.post(
        "/api/phone/verify", json={"phone": PHONE, "code": sent.json()["console_code"]}
    )
    assert verified.status_code == 200, verified.text
    return client.cookies["szmqa_phone"]


async def same_number_race(url: str) -> Counter[int]:
    """One verified number, 50 votes at once, each from a fresh browser (no device cookie).

    A phone ballot's vote takes no captcha (the verified number stands in for it), so only
    the database's unique constraint stands between the 50 requests.
    """
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        phone_cookie = await _verified_cookie(client)
    start = asyncio.Event()

    async def one(n: int) -> int:
        await start.wait()
        async with httpx.AsyncClient(base_url=url, timeout=30) as voter:
            response = await voter.post(
                f"/api/ballots/{CULTURE}/votes",
                json={"candidates": ["CU01"]},
                headers={"X-Forwarded-For": f"198.18.7.{n + 1}", "Cookie": f"szmqa_phone={phone_cookie}"},
            )  # fmt: skip
            return response.status_code

    tasks = [asyncio.create_task(one(n)) for n in range(CONCURRENT)]
    await asyncio.sleep(0.05)
    start.set()
    return Counter(await asyncio.gather(*tasks))


@pytest.mark.services
def test_phone_race_two_postgres_workers_fifty_votes_one_number_one_stored(
    postgres_url: str, redis_url: str, demo_dir: Path, tmp_path: Path, server_process: Any
) -> None:
    schema, url, admin = _schema(postgres_url)
    try:
        server: ServerProcess = server_process(
            {
                "SZMQA_DATABASE_URL": url,
                "SZMQA_RATELIMIT_STORAGE_URI": redis_url,
                "SZMQA_TRUSTED_PROXIES": "127.0.0.1",
                "SZMQA_DEMO_DIR": str(phone_content(demo_dir, tmp_path / "content")),
                "SZMQA_DATA_DIR": str(tmp_path / "data"),
            },
            workers=2,
        )
        statuses = run_async(same_number_race(server.url))
        assert statuses == Counter({201: 1, 409: CONCURRENT - 1})
        server.stop()
        with admin.connect() as connection:
            stored = connection.execute(text(f'SELECT count(*) FROM "{schema}".vote')).scalar_one()
        assert stored == 1
    finally:
        _drop(admin, schema)


def _own_redis(port: int) -> subprocess.Popen[bytes]:
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server is not installed: cannot start a Redis to kill")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            import redis

            if redis.Redis(port=port).ping():
                return process
        except Exception:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the test's own Redis did not start")


@pytest.mark.services
def test_phone_redis_killed_mid_run_daily_cap_still_holds_and_no_5xx(
    postgres_url: str, redis_url: str, capped_demo_dir: Path, tmp_path: Path, server_process: Any
) -> None:
    port = free_port()
    own = _own_redis(port)
    schema, url, admin = _schema(postgres_url)
    try:
        server: ServerProcess = server_process(
            {
                "SZMQA_DATABASE_URL": url,
                "SZMQA_RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{port}/0?socket_connect_timeout=0.3&socket_timeout=0.3",
                "SZMQA_TRUSTED_PROXIES": "127.0.0.1",
                "SZMQA_DEMO_DIR": str(capped_demo_dir),  # culture: 2 votes per network a day
                "SZMQA_DATA_DIR": str(tmp_path / "data"),
            },
        )

        def vote(n: int) -> int:
            headers = {"X-Forwarded-For": f"203.0.113.{n}"}
            with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
                captcha = client.post("/api/captchas", json={"purpose": "vote", "target": CULTURE})
                if captcha.status_code != 200:
                    return captcha.status_code
                return client.post(
                    f"/api/ballots/{CULTURE}/votes",
                    json={"captcha_id": captcha.json()["captcha_id"], "captcha_answer": IMAGE_ANSWER, "candidates": ["CU01"]},
                ).status_code  # fmt: skip

        before = [vote(1)]
        own.kill()
        own.wait()
        after = [vote(n) for n in range(2, 8)]
        health = httpx.get(f"{server.url}/api/health").json()
        assert before == [201]
        assert after == [201, 429, 429, 429, 429, 429]  # the cap of 2 held without Redis
        assert all(status < 500 for status in before + after)
        assert health["status"] == "degraded"
    finally:
        if own.poll() is None:
            own.kill()
        _drop(admin, schema)
