"""Image challenges drawn ahead in batches: each served once, however many ask at once; a
failed batch refuses only the requests waiting for it; challenges are stored without waiting
for the disk, and every other transaction still does."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.factories import CULTURE, Apps, run_async
from vote_api.core.captcha.stock import BATCH, ImageStock
from vote_api.core.db import Database
from vote_api.core.humancheck import CaptchaKind
from vote_api.core.state import core_state


class Drawer:
    """Draws answers as their own 'images'; can be told to fail a batch."""

    def __init__(self) -> None:
        self.batches = 0
        self.fail = False

    async def __call__(self, answers: list[str]) -> list[tuple[str, str]]:
        await asyncio.sleep(0.01)  # the drawing process's round trip
        self.batches += 1
        if self.fail:
            raise RuntimeError("drawing process gone")
        return [("image/png", f"img-{answer}") for answer in answers]


def _stock(drawer: Drawer) -> ImageStock:
    numbers = itertools.count()
    return ImageStock(lambda kind: f"A{next(numbers)}", drawer)


def test_stock_many_at_once_each_served_once() -> None:
    drawer = Drawer()
    stock = _stock(drawer)

    async def take_many() -> list[tuple[str, str, str]]:
        return await asyncio.gather(*(stock.take() for _ in range(5 * BATCH)))

    taken = run_async(take_many())
    answers = [answer for answer, _, _ in taken]
    assert len(set(answers)) == len(answers) == 5 * BATCH
    assert all(data == f"img-{answer}" for answer, _, data in taken)
    assert drawer.batches <= 7  # batches, not one drawing per request


def test_stock_a_failed_batch_refuses_its_waiters_and_the_next_one_draws() -> None:
    drawer = Drawer()
    stock = _stock(drawer)
    drawer.fail = True

    async def first() -> None:
        await stock.take()

    with pytest.raises(RuntimeError):
        run_async(first())
    drawer.fail = False
    answer, _, data = run_async(stock.take())
    assert data == f"img-{answer}"


def test_stock_issued_captchas_are_distinct_and_only_their_commit_skips_the_disk(
    make_env: Apps, tmp_path: Path
) -> None:
    env = make_env(database_url=f"sqlite:///{tmp_path}/stock.db", ratelimit_enabled=False)
    ids = {env.captcha(CULTURE) for _ in range(BATCH + 5)}
    images = {
        env.client.post("/api/captchas", json={"purpose": "vote", "target": CULTURE}).json()["data"]
        for _ in range(10)
    }
    assert len(ids) == BATCH + 5 and len(images) == 10
    db: Database = core_state(env.app).db
    with db.engine.connect() as connection:  # the one SQLite connection, back to FULL (2)
        assert connection.execute(text("PRAGMA synchronous")).scalar_one() == 2
    assert env.vote(CULTURE).status_code == 201


def test_stock_audio_is_still_drawn_per_request(make_env: Apps) -> None:
    env = make_env()
    body = {"purpose": "vote", "target": CULTURE, "kind": CaptchaKind.AUDIO.value}
    issued = env.client.post("/api/captchas", json=body)
    assert issued.status_code == 200 and issued.json()["media_type"] == "audio/wav"
