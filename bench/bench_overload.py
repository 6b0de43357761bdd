"""Overload: open-loop load at 1x, 2x and 5x of measured capacity, on captcha issue and on votes.

Starts the real server (``bench/app.py``, one uvicorn worker with the production options:
h11, bounded heads and concurrency; SQLite; rate limits off, so the in-flight bounds of
``vote_api/core/shedding.py`` are the only refusals; each vote from its own /24 through
X-Forwarded-For, so the daily cap per network stays out of the way). For each route:

1. capacity: closed loop, ``--clients`` clients each sending its next request when the last
   is answered, for ``--seconds``: successes per second;
2. open loop at 1x, 2x and 5x of that capacity: requests *arrive* at a fixed rate (one every
   1/rate seconds, each on a new connection, whether or not earlier ones were answered), as a
   crowd does; each phase lasts ``--seconds``.

Per phase it prints: offered rate, goodput (successes per second) and its share of capacity,
admitted p50 and p99 (latency of the successes), shed share (503 answers), time to refusal
(median and p99 latency of the 503s), other answers (errors, timeouts), the machine's CPU
share and the server's CPU milliseconds per answer (its process group: worker and captcha
drawing), which shows what a refusal costs next to admitted work.
Targets at 5x: goodput at least 90 % of capacity, admitted p99 at most 1 s, refusals within
50 ms median. Votes use captchas issued beforehand; a shed vote's captcha is used again; when
every issued one is in flight, a vote goes with a captcha never issued (a 400, counted apart).
Last, per route, the server's CPU per admitted request and per refusal (least squares).
Run: ``.venv/bin/python bench/bench_overload.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from award.calendar import today  # noqa: E402
from award.models import DEMO_PREFIX  # noqa: E402
from bench.app import IMAGE_ANSWER  # noqa: E402
from bench.bench_vote import (  # noqa: E402
    base_env,
    free_port,
    machine_cpu,
    processes_cpu,
    stop_server,
)
from szmqa.demo import write_demo  # noqa: E402
from vote_api.core.serving import KEEP_ALIVE_SECONDS, MAX_CONCURRENCY, MAX_HEAD_BYTES  # noqa: E402

BALLOT = f"{DEMO_PREFIX}{today().year}-culture"
MULTIPLES = (1, 2, 5)
#: A request not answered within this many seconds counts as failed.
TIMEOUT = 30.0
Answer = tuple[int, bytes]


async def http(port: int, path: str, body: object, headers: dict[str, str]) -> Answer:
    """POST a JSON body on a new connection (Connection: close); the status and the body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        payload = json.dumps(body).encode()
        lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
                 "Content-Type: application/json", f"Content-Length: {len(payload)}"]  # fmt: skip
        lines += [f"{name}: {value}" for name, value in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        data = await reader.read()
    finally:
        writer.close()
    head, _, rest = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), rest


@dataclass
class Phase:
    """The answers of one phase: (status, seconds) per request; status 0 for an error."""

    name: str
    seconds: float
    offered: float = 0.0
    answers: list[tuple[int, float]] = field(default_factory=list)
    cpu: float = 0.0
    #: CPU seconds the server's process group used during the phase.
    server_cpu: float = 0.0
    #: Requests that failed without an answer, by error (refused connection, timeout...).
    errors: Counter[str] = field(default_factory=Counter)
    #: Votes sent with a captcha never issued (every issued one was in flight): 400s.
    unissued: int = 0

    def latencies(self, ok: Callable[[int], bool]) -> list[float]:
        """Sorted latencies of the answers whose status ``ok`` accepts."""
        return sorted(seconds for status, seconds in self.answers if ok(status))

    @property
    def goodput(self) -> float:
        """Successes per second."""
        return len(self.latencies(lambda s: 200 <= s < 300)) / self.seconds


def percentile(values: list[float], share: float) -> float:
    """The value at ``share`` of sorted ``values`` (nan for none)."""
    return values[min(len(values) - 1, int(len(values) * share))] if values else float("nan")


class Route:
    """One route under load: how to send one request, and the pool of captchas votes use."""

    def __init__(self, name: str, port: int, group: int) -> None:
        self.name = name
        self.port = port
        self.group = group
        self.captchas: list[str] = []
        self.sent = 0
        self.unissued = 0
        self.candidate = ""

    async def captcha(self) -> Answer:
        """Issue one image captcha for the ballot."""
        return await http(self.port, "/api/captchas", {"purpose": "vote", "target": BALLOT}, {})

    async def vote(self) -> Answer:
        """Vote with a captcha from the pool (put back if the vote was shed), from a new /24."""
        if not self.captchas:  # all issued ones are in flight: this vote is refused (400)
            self.unissued += 1
            captcha_id = f"not-issued-{self.unissued}"
        else:
            captcha_id = self.captchas.pop()
        self.sent += 1
        n = self.sent
        forwarded = f"10.{n // 250 % 250}.{n % 250}.1"
        body = {"captcha_id": captcha_id, "captcha_answer": IMAGE_ANSWER,
                "candidates": [self.candidate]}  # fmt: skip
        answer = await http(self.port, f"/api/ballots/{BALLOT}/votes", body,
                            {"X-Forwarded-For": forwarded})  # fmt: skip
        if answer[0] == 503 and not captcha_id.startswith("not-issued-"):
            self.captchas.append(captcha_id)
        return answer

    def job(self) -> Callable[[], Awaitable[Answer]]:
        """The request this route sends."""
        return self.vote if self.name == "vote" else self.captcha

    async def fill(self, count: int, clients: int = 8) -> None:
        """Issue captchas until the pool holds ``count``."""

        async def client() -> None:
            while len(self.captchas) < count:
                status, body = await self.captcha()
                if status == 200:
                    self.captchas.append(json.loads(body)["captcha_id"])
                else:
                    await asyncio.sleep(0.05)

        await asyncio.gather(*(client() for _ in range(clients)))


async def timed(job: Callable[[], Awaitable[Answer]], phase: Phase) -> None:
    """Run one request and record its status and latency (0 for an error or a timeout)."""
    started = time.perf_counter()
    try:
        status, _ = await asyncio.wait_for(job(), TIMEOUT)
    except (OSError, TimeoutError, ValueError) as error:
        status = 0
        phase.errors[type(error).__name__] += 1
    phase.answers.append((status, time.perf_counter() - started))


async def closed_loop(route: Route, clients: int, seconds: float) -> Phase:
    """Capacity: ``clients`` clients, each sending the next request once answered."""
    phase = Phase(f"{route.name} capacity ({clients} clients, closed loop)", seconds)
    deadline = time.monotonic() + seconds
    job = route.job()

    async def client() -> None:
        while time.monotonic() < deadline:
            await timed(job, phase)

    busy, total = machine_cpu()
    server = server_seconds(route.group)
    unissued = route.unissued
    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(clients)))
    phase.seconds = time.monotonic() - started
    phase.cpu = cpu_share(busy, total)
    phase.server_cpu = server_seconds(route.group) - server
    phase.unissued = route.unissued - unissued
    return phase


async def open_loop(route: Route, rate: float, seconds: float, label: str) -> Phase:
    """Requests arriving at ``rate`` per second for ``seconds``, answered or not."""
    phase = Phase(f"{route.name} {label}", seconds, offered=rate)
    job = route.job()
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = []
    busy, total = machine_cpu()
    server = server_seconds(route.group)
    unissued = route.unissued
    for n in range(int(rate * seconds)):
        delay = start + n / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(loop.create_task(timed(job, phase)))
    await asyncio.gather(*tasks)
    phase.cpu = cpu_share(busy, total)
    phase.server_cpu = server_seconds(route.group) - server
    phase.unissued = route.unissued - unissued
    return phase


def server_seconds(group: int) -> float:
    """CPU seconds the server's process group has used so far."""
    return processes_cpu(group)["server"]


def cpu_share(busy: int, total: int) -> float:
    """The machine's busy share since (busy, total)."""
    busy_after, total_after = machine_cpu()
    return (busy_after - busy) / (total_after - total) if total_after > total else float("nan")


def row(phase: Phase, capacity: float) -> str:
    """One line of the table."""
    ok = phase.latencies(lambda s: 200 <= s < 300)
    shed = phase.latencies(lambda s: s == 503)
    other = len(phase.answers) - len(ok) - len(shed)
    total = max(1, len(phase.answers))
    offered = f"{phase.offered:7.0f}/s" if phase.offered else "   closed"
    return (
        f"{phase.name:<34} {offered} {phase.goodput:7.1f}/s {phase.goodput / capacity:6.0%}"
        f" {percentile(ok, 0.5) * 1000:8.0f} {percentile(ok, 0.99) * 1000:8.0f}"
        f" {len(shed) / total:6.0%} {statistics.median(shed) * 1000 if shed else float('nan'):8.1f}"
        f" {percentile(shed, 0.99) * 1000:8.1f} {other:6d} {phase.cpu:5.0%}"
        f" {phase.server_cpu * 1000 / total:7.2f}"
        + (f"\n{'':<34} errors: {dict(phase.errors)}" if phase.errors else "")
        + (
            f"\n{'':<34} {phase.unissued} votes went with no captcha left (400 when admitted)"
            if phase.unissued
            else ""
        )
    )


HEADER = (
    f"{'phase':<34} {'offered':>9} {'goodput':>9} {'of cap':>6} {'ok p50':>8} {'ok p99':>8}"
    f" {'shed':>6} {'ref p50':>8} {'ref p99':>8} {'other':>6} {'cpu':>5} {'srv cpu':>7}\n"
    f"{'':<34} {'':>9} {'':>9} {'':>6} {'ms':>8} {'ms':>8} {'':>6} {'ms':>8} {'ms':>8}"
    f" {'':>6} {'':>5} {'ms/req':>7}"
)


async def measure(port: int, group: int, args: argparse.Namespace) -> None:
    """Capacity, then 1x, 2x and 5x, for captcha issue and for votes; print the table."""
    print(HEADER)
    for name, clients in (("captcha", args.clients), ("vote", args.vote_clients)):
        route = Route(name, port, group)
        if name == "vote":
            route.candidate = await fetch_ballot(port)
            await route.fill(args.vote_pool)
        capacity_phase = await closed_loop(route, clients, args.seconds)
        capacity = capacity_phase.goodput
        print(row(capacity_phase, capacity), flush=True)
        phases = [capacity_phase]
        for multiple in MULTIPLES:
            if name == "vote":  # enough captchas for what may be admitted at this rate
                await route.fill(int(capacity * min(multiple, 3) * args.seconds) + 200)
            await asyncio.sleep(1)
            phase = await open_loop(
                route, capacity * multiple, args.seconds, f"{multiple}x open loop"
            )
            print(row(phase, capacity), flush=True)
            phases.append(phase)
        print(cost_line(name, phases), flush=True)


def cost_line(name: str, phases: list[Phase]) -> str:
    """Server CPU per admitted request and per refusal: least squares over the phases."""
    points = [
        (len(p.latencies(lambda s: 200 <= s < 300)), len(p.latencies(lambda s: s == 503)),
         p.server_cpu * 1000)
        for p in phases
    ]  # fmt: skip
    sxx = sum(ok * ok for ok, _, _ in points)
    sxy = sum(ok * shed for ok, shed, _ in points)
    syy = sum(shed * shed for _, shed, _ in points)
    bx = sum(ok * cpu for ok, _, cpu in points)
    by = sum(shed * cpu for _, shed, cpu in points)
    det = sxx * syy - sxy * sxy
    if not det:
        return f"{name}: too few refusals to tell what one costs"
    admitted, refusal = (bx * syy - by * sxy) / det, (sxx * by - sxy * bx) / det
    return (
        f"{name}: server CPU {admitted:.2f} ms per admitted request, {refusal:.2f} ms per refusal"
        " (least squares over the phases)"
    )


async def fetch_ballot(port: int) -> str:
    """The first candidate of the ballot."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET /api/ballots/{BALLOT} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    )
    data = await reader.read()
    writer.close()
    return str(json.loads(data.partition(b"\r\n\r\n")[2])["candidates"][0]["id"])


def start(folder: Path, args: argparse.Namespace) -> tuple[subprocess.Popen[bytes], int]:
    """uvicorn with the bench app and the production options; the process and its port."""
    env = base_env(write_demo(folder / "demo", today()))
    if args.inflight_captchas:
        env["SZMQA_INFLIGHT_CAPTCHAS"] = str(args.inflight_captchas)
    if args.inflight_votes:
        env["SZMQA_INFLIGHT_VOTES"] = str(args.inflight_votes)
    env.update(
        SZMQA_DATABASE_URL=f"sqlite:///{folder}/bench.db",
        SZMQA_DATA_DIR=str(folder / "var"),
        SZMQA_RATELIMIT_ENABLED="false",
    )
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "bench.app:app", "--host", "127.0.0.1",
        "--port", str(port), "--no-access-log", "--no-proxy-headers", "--log-level", "error",
        "--http", "h11", "--h11-max-incomplete-event-size", str(MAX_HEAD_BYTES),
        "--timeout-keep-alive", str(KEEP_ALIVE_SECONDS), "--limit-concurrency", str(MAX_CONCURRENCY),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = asyncio.run(
                http(port, "/api/captchas", {"purpose": "vote", "target": BALLOT}, {})
            )
            if status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError("the server did not start")


def cpu_model() -> str:
    """The machine's CPU model and count."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()} x {os.cpu_count()}"
    except OSError:
        pass
    return f"{platform.processor() or 'cpu'} x {os.cpu_count()}"


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8, help="closed-loop captcha clients")
    parser.add_argument("--vote-clients", type=int, default=64, help="closed-loop vote clients")
    parser.add_argument("--vote-pool", type=int, default=2500, help="captchas issued before votes")
    parser.add_argument("--inflight-captchas", type=int, help="SZMQA_INFLIGHT_CAPTCHAS to test")
    parser.add_argument("--inflight-votes", type=int, help="SZMQA_INFLIGHT_VOTES to test")
    args = parser.parse_args()
    print(f"CPU: {cpu_model()}; load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        process, port = start(Path(folder), args)
        try:
            asyncio.run(measure(port, process.pid, args))
        finally:
            stop_server(process)
    print("targets at 5x: goodput >= 90 % of capacity, ok p99 <= 1000 ms, refusal p50 <= 50 ms")


if __name__ == "__main__":
    main()
