"""Sign-in throttling that an anonymous caller cannot turn against a staff member.

- **Back-off per typed name and client network**: a few failures are free, then each failure
  doubles the wait before that name may be tried again from that network (1 s, 2 s, 4 s …,
  at most 15 minutes); a success there clears it. The same name from another network (the
  staff member's own office) is not held back: there is no lockout by name, and the answer
  is the same whether the name is an account or not.
- **Global slow-down**: past a number of failures a minute across all callers, every attempt
  waits a little before it is checked (growing with the excess, at most a few seconds):
  slower for everyone during an attack, closed for no one.
- **Password hashing off the database thread**: Argon2 runs on threads of its own, at most
  ``threads`` at a time and at a lower CPU priority (Linux), so that a flood of attempts
  takes at most that many cores and yields them to public requests; the database thread
  only reads and writes rows.
- **Unknown names are aggregated**: failures on names that are no account go to the audit
  log as at most one row a minute, with how many attempts and from how many networks.

The counts live in each worker's memory: with several workers each counts its own share.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: Failures per name and network before the back-off starts, and its longest wait (seconds).
FREE_FAILURES = 5
LONGEST_WAIT = 15 * 60
#: Failures a minute (all callers) before the slow-down, and its seconds per excess failure
#: and at most.
GLOBAL_FREE = 60
GLOBAL_STEP = 0.02
GLOBAL_LONGEST = 3.0
#: Unknown-name failures are written to the audit log at most this often (seconds).
UNKNOWN_EVERY = 60
#: How much lower the hashing threads' CPU priority is (nice), as the audio captcha's process.
HASHING_NICENESS = 10
#: Name-and-network pairs remembered at most (the oldest are forgotten first).
REMEMBERED = 50_000

hasher = PasswordHasher()
#: Checked against when there is no usable account, so that both answers take as long.
DUMMY_HASH = hasher.hash("no account has this password")


def password_matches(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored Argon2 hash (a full check even without one)."""
    try:
        return hasher.verify(stored or DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _lower_priority() -> None:
    """Let the current thread yield the CPU to request handling (Linux: a thread is a task)."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)


@dataclass
class _Backoff:
    failures: int = 0
    retry_at: float = 0.0


@dataclass
class UnknownTally:
    """Failures on unknown names since the last audit row."""

    attempts: int = 0
    networks: set[str] = field(default_factory=set)
    written_at: float = -math.inf


class SignInGuard:
    """The back-off, the slow-down, the hashing threads and the unknown-name tally."""

    def __init__(self, threads: int) -> None:
        #: The pool's size is the bound: further checks wait in its queue, off every thread.
        self._executor = ThreadPoolExecutor(
            max_workers=threads, thread_name_prefix="password", initializer=_lower_priority
        )
        self._backoff: dict[tuple[str, str], _Backoff] = {}
        self._recent: deque[float] = deque()
        self.unknown = UnknownTally()

    def wait_for(self, name: str, network: str, now: datetime) -> float:
        """Seconds before ``name`` may be tried again from ``network`` (0: now)."""
        entry = self._backoff.get((name, network))
        return max(0.0, entry.retry_at - now.timestamp()) if entry else 0.0

    def slow_down(self, now: datetime) -> float:
        """Seconds every attempt waits now, from the failures of the last minute."""
        moment = now.timestamp()
        while self._recent and self._recent[0] < moment - 60:
            self._recent.popleft()
        excess = len(self._recent) - GLOBAL_FREE
        return min(GLOBAL_LONGEST, excess * GLOBAL_STEP) if excess > 0 else 0.0

    def failed(self, name: str, network: str, now: datetime) -> None:
        """Count a failure of ``name`` from ``network``."""
        moment = now.timestamp()
        self._recent.append(moment)
        entry = self._backoff.pop((name, network), None) or _Backoff()
        entry.failures += 1
        if entry.failures >= FREE_FAILURES:
            wait = min(LONGEST_WAIT, 2 ** (entry.failures - FREE_FAILURES))
            entry.retry_at = moment + wait
        self._backoff[(name, network)] = entry  # re-inserted: the dict stays oldest first
        while len(self._backoff) > REMEMBERED:
            del self._backoff[next(iter(self._backoff))]

    def succeeded(self, name: str, network: str) -> None:
        """Forget the failures of ``name`` from ``network``."""
        self._backoff.pop((name, network), None)

    def unknown_failed(self, network: str, now: datetime) -> UnknownTally | None:
        """Count a failure on an unknown name; the tally to write when a row is due."""
        self.unknown.attempts += 1
        self.unknown.networks.add(network)
        if now.timestamp() - self.unknown.written_at < UNKNOWN_EVERY:
            return None
        due, self.unknown = self.unknown, UnknownTally(written_at=now.timestamp())
        return due

    async def verify(self, stored: str | None, password: str) -> bool:
        """Check a password on the hashing threads, at most ``threads`` at a time."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, password_matches, stored, password)

    def close(self) -> None:
        """Stop the hashing threads."""
        self._executor.shutdown(wait=False)
