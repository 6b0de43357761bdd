"""The sign-in guard's parts: the back-off's doubling, the global slow-down, the hashing threads."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta
from typing import Any

import pytest

from tests.factories import NOW, Console, run_async
from vote_api.console import signin_guard
from vote_api.console.models import Role
from vote_api.console.signin_guard import (
    FREE_FAILURES,
    GLOBAL_FREE,
    GLOBAL_LONGEST,
    LONGEST_WAIT,
    SignInGuard,
)


def test_signin_guard_back_off_doubles_per_name_and_network_up_to_fifteen_minutes() -> None:
    guard = SignInGuard(1)
    waits = []
    for _ in range(FREE_FAILURES + 14):
        guard.failed("甲", "198.51.100.0/24", NOW)
        waits.append(guard.wait_for("甲", "198.51.100.0/24", NOW))
    assert waits[: FREE_FAILURES - 1] == [0.0] * (FREE_FAILURES - 1)
    assert waits[FREE_FAILURES - 1 : FREE_FAILURES + 3] == [1, 2, 4, 8]
    assert max(waits) == LONGEST_WAIT
    assert guard.wait_for("甲", "203.0.113.0/24", NOW) == 0  # another network
    assert guard.wait_for("乙", "198.51.100.0/24", NOW) == 0  # another name
    assert guard.wait_for("甲", "198.51.100.0/24", NOW + timedelta(seconds=LONGEST_WAIT)) == 0
    guard.succeeded("甲", "198.51.100.0/24")
    guard.failed("甲", "198.51.100.0/24", NOW)
    assert guard.wait_for("甲", "198.51.100.0/24", NOW) == 0  # a success starts afresh
    guard.close()


def test_signin_guard_global_slow_down_grows_with_failures_is_capped_and_passes() -> None:
    guard = SignInGuard(1)
    for n in range(GLOBAL_FREE):
        guard.failed(f"名字{n}", f"10.0.{n}.0/24", NOW)
    assert guard.slow_down(NOW) == 0.0
    for n in range(1000):
        guard.failed(f"又一个{n}", f"10.1.{n % 250}.0/24", NOW)
    assert guard.slow_down(NOW) == GLOBAL_LONGEST
    assert guard.slow_down(NOW + timedelta(seconds=61)) == 0.0
    guard.close()


def test_signin_guard_remembers_a_bounded_number_of_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signin_guard, "REMEMBERED", 100)
    guard = SignInGuard(1)
    for n in range(1000):
        guard.failed(f"名字{n}", "10.0.0.0/24", NOW)
    assert len(guard._backoff) == 100
    guard.close()


def test_signin_guard_passwords_are_checked_on_their_own_threads_never_the_database_thread(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = console.enrol("线程检查", Role.OBSERVER)
    threads: list[str] = []
    real = signin_guard.password_matches

    def watched(stored: Any, password: str) -> bool:
        threads.append(threading.current_thread().name)
        return real(stored, password)

    monkeypatch.setattr(signin_guard, "password_matches", watched)
    assert console.sign_in(console.client(), person).status_code == 303
    assert console.sign_in(console.client(), person, password="wrong password").status_code == 401
    assert len(threads) == 2
    assert all(name.startswith("password") for name in threads), threads


def test_signin_guard_checks_at_most_its_threads_at_once() -> None:
    guard = SignInGuard(2)
    running = 0
    most = 0
    lock = threading.Lock()
    real = signin_guard.password_matches

    def counted(stored: Any, password: str) -> bool:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.05)  # long enough for every thread of the pool to be inside at once
            return real(stored, password)
        finally:
            with lock:
                running -= 1

    signin_guard.password_matches = counted  # type: ignore[assignment]
    try:

        async def many() -> list[bool]:
            return await asyncio.gather(*(guard.verify(None, "x") for _ in range(8)))

        assert run_async(many()) == [False] * 8
    finally:
        signin_guard.password_matches = real  # type: ignore[assignment]
        guard.close()
    assert 1 <= most <= 2  # never more than its threads (two, when the machine lets them overlap)
