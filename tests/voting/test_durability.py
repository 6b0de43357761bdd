"""Durability: a server killed with SIGKILL mid-burst loses no vote it answered 2xx to."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path
from typing import Any

import httpx

from tests.factories import CULTURE, IMAGE_ANSWER, ServerProcess, run_async
from vote_api.voting.receipts import receipt_digest

VOTERS = 400


def address(n: int) -> str:
    return f"198.19.{n // 250}.{n % 250 + 1}"


async def issue_tickets(url: str) -> list[tuple[str, str, str]]:
    """A captcha and a voter cookie for each of VOTERS distinct voters."""
    tickets = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for n in range(VOTERS):
            response = await client.post(
                "/api/captchas",
                json={"purpose": "vote", "target": CULTURE},
                headers={"X-Forwarded-For": address(n)},
            )
            assert response.status_code == 200, response.text
            cookie = response.headers["set-cookie"].split(";")[0]
            tickets.append((response.json()["captcha_id"], cookie, address(n)))
            client.cookies.clear()
    return tickets


async def burst(url: str, tickets: list[tuple[str, str, str]], server: ServerProcess) -> list[str]:
    """Vote with 16 clients at once; SIGKILL the server part-way; return the 2xx receipts."""
    receipts: list[str] = []
    queue = list(tickets)

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=10) as http:
            while queue:
                captcha_id, cookie, forwarded = queue.pop()
                try:
                    response = await http.post(
                        f"/api/ballots/{CULTURE}/votes",
                        json={"captcha_id": captcha_id, "captcha_answer": IMAGE_ANSWER,
                              "candidates": ["CU02"]},
                        headers={"X-Forwarded-For": forwarded, "Cookie": cookie},
                    )  # fmt: skip
                except httpx.HTTPError:
                    continue  # the server is gone: this vote may or may not have been written
                if 200 <= response.status_code < 300:
                    receipts.append(response.json()["receipt"])
                if len(receipts) == VOTERS // 3:
                    server.kill(signal.SIGKILL)

    await asyncio.gather(*(client() for _ in range(16)))
    return receipts


def test_durability_every_2xx_vote_survives_sigkill(
    tmp_path: Path, demo_dir: Path, server_process: Any
) -> None:
    database = tmp_path / "durable.db"
    settings = {
        "SZMQA_DATABASE_URL": f"sqlite:///{database}",
        "SZMQA_TRUSTED_PROXIES": "127.0.0.1",
        "SZMQA_DEMO_DIR": str(demo_dir),
        "SZMQA_DATA_DIR": str(tmp_path / "var"),
    }
    server: ServerProcess = server_process(settings)
    tickets = run_async(issue_tickets(server.url))
    receipts = run_async(burst(server.url, tickets, server))
    assert server.process is not None and server.process.returncode == -signal.SIGKILL
    assert VOTERS // 3 <= len(receipts) < VOTERS  # killed part-way through the burst

    restarted: ServerProcess = server_process(settings)  # recovers the WAL on start
    with sqlite3.connect(database) as connection:
        stored = {row[0] for row in connection.execute("SELECT receipt_digest FROM vote")}
    missing = [r for r in receipts if receipt_digest(r) not in stored]
    assert missing == []
    with httpx.Client(base_url=restarted.url) as client:
        for n, receipt in enumerate(receipts[:20]):
            checked = client.get(
                f"/api/receipts/{receipt}", headers={"X-Forwarded-For": address(n)}
            )
            assert checked.status_code == 200 and checked.json()["counted"] is True
