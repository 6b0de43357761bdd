"""Overload sheds: past a route family's in-flight bound, a fast 503 that costs nothing.

The human check is held at a gate so that requests stay in flight for as long as the test
wants; the next request of the same family is refused at once, other families still work,
and a refused vote has used up nothing (its captcha votes later).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.factories import CULTURE, Apps, Env
from vote_api.core.shedding import overload_message
from vote_api.core.state import core_state

RETRY_AFTER = 3


class Gate:
    """Holds calls of a human-check method until ``open``; counts the callers inside."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.inside = 0

    def hold(self, method: Callable[..., Any]) -> Callable[..., Any]:
        """``method`` waiting at this gate first."""

        async def held(*args: Any, **kwargs: Any) -> Any:
            self.inside += 1
            await asyncio.to_thread(self.event.wait, 20)
            return await method(*args, **kwargs)

        return held

    def wait_inside(self, count: int) -> None:
        """Wait until ``count`` callers are held."""
        deadline = time.monotonic() + 10
        while self.inside < count:
            assert time.monotonic() < deadline, f"{self.inside} of {count} requests arrived"
            time.sleep(0.01)


@pytest.fixture
def gate() -> Iterator[Gate]:
    """A gate opened at the end of the test whatever happens."""
    found = Gate()
    yield found
    found.event.set()


def in_threads(calls: list[Callable[[], Any]]) -> tuple[list[threading.Thread], list[Any]]:
    """Start each call in a thread; its result lands in the returned list."""
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    return threads, results


def assert_shed(response: Any, action: str) -> None:
    """A 503 with Retry-After and the family's Chinese message."""
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == str(RETRY_AFTER)
    assert response.json() == {
        "code": "overloaded",
        "message": overload_message(action, RETRY_AFTER),
    }


def captcha_request(env: Env) -> Callable[[], Any]:
    """Issuing a vote captcha, as a call."""
    return lambda: env.client.post("/api/captchas", json={"purpose": "vote", "target": CULTURE})


def test_overload_captchas_past_the_bound_get_a_fast_503_others_go_on(
    make_env: Apps, gate: Gate
) -> None:
    env = make_env(inflight_captchas=2, overload_retry_after_seconds=RETRY_AFTER)
    ready = env.captcha()  # issued before the gate closes
    check = core_state(env.app).human_check
    check.issue = gate.hold(check.issue)  # type: ignore[method-assign]
    threads, held = in_threads([captcha_request(env), captcha_request(env)])
    gate.wait_inside(2)

    started = time.monotonic()
    shed = [captcha_request(env)() for _ in range(5)]
    elapsed = time.monotonic() - started
    for response in shed:
        assert_shed(response, "取验证码")
    assert elapsed < 1.0  # refused at once, not queued behind the held ones
    assert gate.inside == 2  # the refused ones never reached the human check
    assert env.client.get("/api/ballots").status_code == 200  # other routes are not bounded
    assert env.vote(captcha_id=ready).status_code == 201  # nor is another family

    gate.event.set()
    for thread in threads:
        thread.join(timeout=10)
    assert [response.status_code for response in held] == [200, 200]
    assert captcha_request(env)().status_code == 200  # the slots came back


def test_overload_a_shed_vote_uses_nothing_up(make_env: Apps, gate: Gate) -> None:
    env = make_env(inflight_votes=1, overload_retry_after_seconds=RETRY_AFTER)
    first = env.captcha()
    first_cookies = dict(env.client.cookies)
    env.new_visitor()
    second = env.captcha()
    second_cookies = dict(env.client.cookies)
    check = core_state(env.app).human_check
    original = check.ticket
    check.ticket = gate.hold(original)  # type: ignore[method-assign]

    def vote_as(cookies: dict[str, str], captcha_id: str) -> Any:
        env.client.cookies.clear()
        env.client.cookies.update(cookies)
        return env.vote(captcha_id=captcha_id, candidates=["CU01"])

    threads, held = in_threads([lambda: vote_as(first_cookies, first)])
    gate.wait_inside(1)
    assert_shed(env.client.post(f"/api/ballots/{CULTURE}/votes", json={}), "投票")
    gate.event.set()
    threads[0].join(timeout=10)
    assert held[0].status_code == 201, held[0].text
    check.ticket = original  # type: ignore[method-assign]
    later = vote_as(second_cookies, second)  # its captcha was never touched
    assert later.status_code == 201, later.text


def test_overload_sign_in_is_never_shed(make_env: Apps) -> None:
    """A flood of sign-ins must not turn the owner away: the sign-in guard bounds it instead."""
    env = make_env(inflight_captchas=1, inflight_votes=1, overload_retry_after_seconds=RETRY_AFTER)
    app: Any = env.app.middleware_stack
    while type(app).__name__ != "InFlightBound":
        app = app.app
    assert "sign_in" not in app.in_flight
    for family in list(app.in_flight):
        app.in_flight[family] = 10_000  # every shed family full
    response = env.client.post("/admin/sign-in", data={"name": "x"})
    assert response.status_code != 503
