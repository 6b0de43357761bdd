"""The in-process rate-limit storage (``memory://``), made to stay cheap with many addresses.

``limits``' own memory storage has two costs that grow with the number of client addresses
(one key per address per limit, and a day-long cap per ballot):

- a timer re-armed every 10 ms walks every key to drop expired entries, holding the GIL;
- each moving-window entry is a Python object, so the garbage collector's full passes
  (which visit every tracked object) take longer and longer: 50 to 90 ms pauses were
  measured here with a few thousand voters, which is what a p99 latency sees.

This storage keeps each key's moving window as a plain list of timestamps (one object per
key instead of two per hit; floats are not tracked by the garbage collector), newest first
and never longer than the limit, and
sweeps expired keys incrementally: ten times a second, at most 1,000 keys per sweep (a
pause of about a millisecond). Expired entries never change a decision (every check
compares timestamps), so the sweep is only housekeeping.

Importing this module registers it for ``memory://`` URIs (the fixed-window and counter
methods are inherited unchanged).
"""

from __future__ import annotations

import bisect
import threading
import time
from typing import cast

from limits.storage import MemoryStorage

SWEEP_SECONDS = 0.1
KEYS_PER_SWEEP = 1000


class SweepingMemoryStorage(MemoryStorage):
    """Moving windows as lists of timestamps, swept every 0.1 s over a bounded slice of keys."""

    STORAGE_SCHEME = ["memory"]  # noqa: RUF012 (the name limits registers by)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        self._cursor: list[str] = []
        self._window_seconds: dict[str, float] = {}
        self._timer_lock = threading.Lock()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the parent's 10 ms timer
        self._start_timer()

    def _MemoryStorage__schedule_expiry(self) -> None:
        if self.timer.is_alive():
            return
        with self._timer_lock:  # hits come from several threads: start one timer, not one each
            if not self.timer.is_alive():
                self._start_timer()

    def _start_timer(self) -> None:
        self.timer = threading.Timer(SWEEP_SECONDS, self._sweep)
        self.timer.daemon = True
        self.timer.start()

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Take ``amount`` places in the key's moving window if there is room."""
        if amount > limit:
            return False
        self._MemoryStorage__schedule_expiry()
        with self.locks[key]:
            stamps = self._stamps(key)
            if stamps is None:
                stamps = []
                self.events[key] = stamps  # type: ignore[assignment]
            now = time.time()
            if len(stamps) > limit - amount and stamps[limit - amount] >= now - expiry:
                return False
            stamps[0:0] = [now] * amount
            del stamps[limit:]  # older stamps can never matter again
            self._window_seconds[key] = expiry
            return True

    def _stamps(self, key: str) -> list[float] | None:
        """The key's moving window as timestamps, newest first (the parent's are objects)."""
        return cast("list[float] | None", self.events.get(key))

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """The start of the key's window (its oldest counted stamp) and how many it holds."""
        now = time.time()
        stamps = self._stamps(key)
        if stamps:
            count = bisect.bisect_left(stamps, -(now - expiry), key=lambda stamp: -stamp)
            if count:
                return stamps[count - 1], count
        return now, 0

    def clear(self, key: str) -> None:
        """Forget a key."""
        super().clear(key)
        self._window_seconds.pop(key, None)

    def reset(self) -> int | None:
        """Forget every key."""
        self._window_seconds.clear()
        return super().reset()

    def _sweep(self) -> None:
        """Drop the expired stamps and counters of the next slice of keys."""
        if not self._cursor:
            self._cursor = list(self.events.keys()) + list(self.expirations.keys())
        batch, self._cursor = self._cursor[:KEYS_PER_SWEEP], self._cursor[KEYS_PER_SWEEP:]
        now = time.time()
        for key in batch:
            with self.locks[key]:
                stamps = self._stamps(key)
                if stamps is not None:
                    cutoff = now - self._window_seconds.get(key, 0.0)
                    count = bisect.bisect_left(stamps, -cutoff, key=lambda stamp: -stamp)
                    if count:
                        del stamps[count:]
                    else:
                        self.events.pop(key, None)
                        self._window_seconds.pop(key, None)
                expires = self.expirations.get(key)
                if expires is not None and expires <= now:
                    self.storage.pop(key, None)
                    self.expirations.pop(key, None)
            if key not in self.events and key not in self.expirations:
                self.locks.pop(key, None)
        with self._timer_lock:
            # This thread is still the timer (so it counts as alive): re-arm while work is left.
            if self.timer is threading.current_thread() and (
                self._cursor or self.events or self.expirations
            ):
                self._start_timer()
