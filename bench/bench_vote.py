"""Benchmark the vote service: the real server, the real flow, concurrent clients.

Starts uvicorn as a subprocess (``bench/app.py``: the real app with a known captcha answer)
and drives it over HTTP with keep-alive clients, each voter from its own address (the
server trusts 127.0.0.1 as a proxy and reads X-Forwarded-For, so the per-address limits and
daily caps run for real). For each set-up it prints:

- the bare endpoint (``GET /api/health``) at the same concurrency, for comparison;
- captchas/s alone (``POST /api/captchas``, image), after an unrecorded warm-up while the
  drawing processes start and draw their glyphs;
- vote submission alone (the captchas issued by the previous phase, after 100 unrecorded
  votes that warm the server up): votes/s, p50 and p99;
- the full flow (fetch captcha, answer, vote): votes/s;
- the phone flow on the demo's phone ballot with the console SMS gateway (captcha, SMS code,
  code check, vote: one human check per vote, the verified number stands in for the vote's
  captcha): votes/s, and its ratio to the captcha-issue rate;
- per phase, the machine's CPU share and the CPU milliseconds per successful request of the
  server (its whole process group: workers, captcha drawing), PostgreSQL, Redis and the
  clients (this process), read from /proc;
- the ratios against the targets, and the server's CPU per image challenge (target 2 ms) and
  per vote of the full flow (target 3 ms), also as multiples of a bare request's (the machine
  may be shared: a bare request's CPU shows how much slower it is than when idle).

Set-ups: one worker on SQLite (WAL, synchronous=FULL); one and two workers on PostgreSQL +
Redis (skipped when they are not running). Run: ``.venv/bin/python bench/bench_vote.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from award.calendar import today  # noqa: E402
from bench.app import IMAGE_ANSWER  # noqa: E402
from szmqa.demo import write_demo  # noqa: E402

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
#: Redis database and PostgreSQL schema of the benchmark (each run may pick its own).
REDIS_URL = os.environ.get("SZMQA_BENCH_REDIS", "redis://127.0.0.1:6379/14")
SCHEMA = os.environ.get("SZMQA_BENCH_SCHEMA", "bench_vote")


#: Votes cast before the vote phase is measured: the server opens its database connections
#: and prepares its statements on the first ones.
VOTE_WARM_UP = 100
#: Each client opens a new connection after this many requests, as a crowd of browsers does.
#: With long-lived connections only, uvicorn's workers (which share one listening socket)
#: get very uneven shares: 32 connections opened at once were measured landing 32/0 or 30/2.
REQUESTS_PER_CONNECTION = 100


class Connection:
    """A keep-alive HTTP/1.1 connection: a deliberately small client, so the server is measured."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0

    async def request(
        self, method: str, path: str, body: object = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Send a request, return status, headers (lower-case) and body."""
        if self.used >= REQUESTS_PER_CONNECTION:
            self.close()
        if self.writer is None:
            self.used = 0
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            sock = self.writer.get_extra_info("socket")
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        assert self.reader is not None
        payload = json.dumps(body).encode() if body is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        found: dict[str, str] = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                found[name.strip().lower()] = value.strip()
        data = await self.reader.readexactly(int(found.get("content-length", "0")))
        self.used += 1
        if found.get("connection", "").lower() == "close":  # e.g. a shed request (503)
            self.close()
        return int(status_line.split()[1]), found, data

    def close(self) -> None:
        """Close the connection."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None


TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
#: The processes whose CPU time each phase reports, by role (the server is its process group).
ROLES = ("server", "postgres", "redis", "clients")


def processes_cpu(server_group: int) -> dict[str, float]:
    """CPU seconds used so far by the server's process group, PostgreSQL, Redis and the clients.

    Read from /proc (Linux): a process's user plus system time; the clients are this process.
    Each process of the server's group is also listed, as ``server:<pid>``.
    """
    found = dict.fromkeys(ROLES, 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / TICKS
        if int(fields[2]) == server_group:
            found["server"] += seconds
            found[f"server:{entry.name}"] = seconds
        elif name.startswith("postgres"):
            found["postgres"] += seconds
        elif name.startswith("redis-server"):
            found["redis"] += seconds
    times = os.times()
    found["clients"] = times.user + times.system
    return found


def machine_cpu() -> tuple[int, int]:
    """Busy and total CPU time of the whole machine so far (Linux), in clock ticks."""
    try:
        with open("/proc/stat") as stat:
            ticks = [int(v) for v in stat.readline().split()[1:]]
    except OSError:
        return 0, 0
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)  # idle and iowait are not busy


@dataclass
class Phase:
    """Timings of one phase."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0
    cpu_busy: float = float("nan")
    #: CPU seconds used during the phase, by role (see ROLES).
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """A latency percentile in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def cpu_per_request(self, role: str) -> float:
        """CPU milliseconds a role used per successful request during the phase."""
        count = len(self.latencies)
        return self.cpu.get(role, float("nan")) * 1000 / count if count else float("nan")

    def line(self) -> str:
        """The phase as a printed line."""
        errors = f", refused {self.errors}" if self.errors else ""
        return (
            f"  {self.name:<30} {self.rate:7.0f}/s   p50 {self.percentile(50):6.1f} ms"
            f"   p99 {self.percentile(99):6.1f} ms   machine CPU {self.cpu_busy:4.0%}"
            f"   (n={len(self.latencies)}{errors})"
        )

    def cpu_line(self) -> str:
        """CPU milliseconds per successful request, by role."""
        shares = "   ".join(f"{role} {self.cpu_per_request(role):5.2f}" for role in ROLES)
        line = f"  {'':<30} CPU ms per request:   {shares}"
        busy = sorted(
            (seconds for key, seconds in self.cpu.items() if key.startswith("server:")),
            reverse=True,
        )
        busy = [seconds for seconds in busy if seconds >= 0.05 * self.cpu.get("server", 0.0)]
        if len(busy) > 1 and self.seconds:  # how the work was shared between the processes
            cores = ", ".join(f"{seconds / self.seconds:4.2f}" for seconds in busy)
            line += f"   server processes (cores busy): {cores}"
        return line


Job = Callable[[Connection, Phase], Awaitable[bool]]


@dataclass(frozen=True)
class Server:
    """A running server: its port and its process group (uvicorn, its workers, their helpers)."""

    port: int
    group: int


async def run_phase(name: str, server: Server, clients: int, job: Job, *, seconds: float) -> Phase:
    """Run ``clients`` closed-loop clients doing ``job`` until it says stop or time is up.

    Every client connects (one unrecorded request) before the clock starts, and the client
    process's own garbage collector is paused, so the figures are the server's.
    """
    phase = Phase(name)
    connections = [Connection(server.port) for _ in range(clients)]
    await asyncio.gather(*(c.request("GET", "/api/health") for c in connections))
    deadline = time.perf_counter() + seconds

    async def client(connection: Connection) -> None:
        try:
            while time.perf_counter() < deadline:
                if not await job(connection, phase):
                    return
        finally:
            connection.close()

    gc.disable()
    busy, total = machine_cpu()
    used = processes_cpu(server.group)
    try:
        started = time.perf_counter()
        await asyncio.gather(*(client(c) for c in connections))
        phase.seconds = time.perf_counter() - started
    finally:
        gc.enable()
    used_after = processes_cpu(server.group)
    busy_after, total_after = machine_cpu()
    if total_after > total:
        phase.cpu_busy = (busy_after - busy) / (total_after - total)
    phase.cpu = {key: used_after[key] - used.get(key, 0.0) for key in used_after}
    return phase


async def timed(
    connection: Connection, phase: Phase, method: str, path: str, body: object, headers: dict
) -> tuple[int, dict[str, str], bytes]:
    """One request, its latency recorded when it succeeds."""
    started = time.perf_counter()
    status, found, data = await connection.request(method, path, body, headers)
    if 200 <= status < 300:
        phase.latencies.append(time.perf_counter() - started)
    else:
        phase.errors[status] = phase.errors.get(status, 0) + 1
    return status, found, data


@dataclass
class Flow:
    """What the benchmark needs to know about the ballot."""

    ballot: str
    candidate: str
    addresses: itertools.count = field(default_factory=lambda: itertools.count(1))

    def address(self) -> str:
        """A fresh client address on a network of its own (a voter behind the proxy 127.0.0.1).

        Each voter gets its own /24, so the daily cap per network never refuses a bench vote.
        """
        n = next(self.addresses)
        return f"10.{(n >> 8) & 255}.{n & 255}.1"


async def issue(connection: Connection, phase: Phase, flow: Flow) -> tuple[str, str, str] | None:
    """Fetch a captcha as a new voter: its id, the voter cookie and the address."""
    address = flow.address()
    status, headers, data = await timed(
        connection,
        phase,
        "POST",
        "/api/captchas",
        {"purpose": "vote", "target": flow.ballot},
        {"X-Forwarded-For": address},
    )
    if status != 200:
        return None
    cookie = headers["set-cookie"].split(";", 1)[0]
    return json.loads(data)["captcha_id"], cookie, address


async def submit(
    connection: Connection, phase: Phase, flow: Flow, ticket: tuple[str, str, str]
) -> None:
    """Vote with an issued captcha."""
    captcha_id, cookie, address = ticket
    await timed(
        connection,
        phase,
        "POST",
        f"/api/ballots/{flow.ballot}/votes",
        {"captcha_id": captcha_id, "captcha_answer": IMAGE_ANSWER, "candidates": [flow.candidate]},
        {"X-Forwarded-For": address, "Cookie": cookie},
    )


async def measure(server: Server, clients: int, seconds: float) -> dict[str, Phase]:
    """Every phase against a running server."""
    probe = Connection(server.port)
    _status, _headers, data = await probe.request("GET", "/api/ballots")
    probe.close()
    ballots = json.loads(data)["ballots"]
    ballot = next(b for b in ballots if b["state"] == "open" and b["rule"]["identity"] == "device")
    flow = Flow(ballot=ballot["id"], candidate=ballot["candidates"][0]["id"])
    phone_ballot = next(
        b for b in ballots if b["state"] == "open" and b["rule"]["identity"] == "phone"
    )
    phone_flow = Flow(ballot=phone_ballot["id"], candidate=phone_ballot["candidates"][0]["id"])
    numbers = itertools.count(13_900_000_001)

    async def bare(connection: Connection, phase: Phase) -> bool:
        await timed(connection, phase, "GET", "/api/health", None, {})
        return True

    tickets: list[tuple[str, str, str]] = []

    async def captcha(connection: Connection, phase: Phase) -> bool:
        ticket = await issue(connection, phase, flow)
        if ticket is not None:
            tickets.append(ticket)
        return True

    async def vote(connection: Connection, phase: Phase) -> bool:
        if not tickets:
            return False
        await submit(connection, phase, flow, tickets.pop())
        return True

    warm_votes = itertools.count()

    async def vote_warm_up(connection: Connection, phase: Phase) -> bool:
        if next(warm_votes) >= VOTE_WARM_UP or not tickets:
            return False
        await submit(connection, phase, flow, tickets.pop())
        return True

    full_captchas = Phase("(captchas inside the full flow)")

    async def full(connection: Connection, phase: Phase) -> bool:
        ticket = await issue(connection, full_captchas, flow)
        if ticket is not None:
            await submit(connection, phase, flow, ticket)
        return True

    phone_steps = Phase("(captcha, SMS code and check inside the phone flow)")

    async def phone(connection: Connection, phase: Phase) -> bool:
        address = phone_flow.address()
        number = str(next(numbers))
        via = {"X-Forwarded-For": address}
        status, _h, data = await timed(
            connection, phone_steps, "POST", "/api/captchas",
            {"purpose": "sms", "target": phone_flow.ballot}, via,
        )  # fmt: skip
        if status != 200:
            return True
        status, _h, data = await timed(
            connection, phone_steps, "POST", "/api/phone/codes",
            {"ballot_id": phone_flow.ballot, "phone": number,
             "captcha_id": json.loads(data)["captcha_id"], "captcha_answer": IMAGE_ANSWER},
            via,
        )  # fmt: skip
        if status != 200:
            return True
        status, headers, _d = await timed(
            connection, phone_steps, "POST", "/api/phone/verify",
            {"phone": number, "code": json.loads(data)["console_code"]}, via,
        )  # fmt: skip
        if status != 200:
            return True
        session = headers["set-cookie"].split(";", 1)[0]
        await timed(
            connection,
            phase,
            "POST",
            f"/api/ballots/{phone_flow.ballot}/votes",
            {"candidates": [phone_flow.candidate]},
            {**via, "Cookie": session},
        )  # fmt: skip  (no captcha: the verified number stands in for it)
        return True

    await run_phase("warm-up", server, clients, bare, seconds=1)
    phases = {
        "bare": await run_phase("bare GET /api/health", server, clients, bare, seconds=seconds)
    }
    # The drawing processes start with the server and draw their glyphs first (about a
    # second of CPU each); a server that has run a while has done that: not measured.
    await run_phase("captcha warm-up", server, clients, captcha, seconds=max(2.0, seconds))
    tickets.clear()
    phases["captcha"] = await run_phase(
        "captcha issue alone", server, clients, captcha, seconds=seconds * 8
    )
    await run_phase("vote warm-up", server, clients, vote_warm_up, seconds=seconds)
    phases["vote"] = await run_phase(
        "vote submission alone", server, clients, vote, seconds=seconds * 10
    )
    phases["full"] = await run_phase(
        "full flow (captcha + vote)", server, clients, full, seconds=seconds * 2
    )
    phases["phone"] = await run_phase(
        "phone flow (captcha, SMS, code, vote)",
        server,
        clients,
        phone,
        seconds=seconds * 2,
    )
    return phases


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    env: dict[str, str], workers: int, log: Path
) -> tuple[subprocess.Popen[bytes], Server]:
    """Start uvicorn with the bench app (its output to ``log``); return it once it answers."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "bench.app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
        "--no-proxy-headers",  # as deployed: SZMQA_TRUSTED_PROXIES alone reads X-Forwarded-For
    ]
    with log.open("ab") as output:  # the console SMS gateway prints every code it "sends"
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=output
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"GET /api/health HTTP/1.0\r\nHost: x\r\n\r\n")
                if b"200" in sock.recv(100):
                    return process, Server(port=port, group=process.pid)
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"the server exited while starting: see {log}")
        time.sleep(0.2)
    raise RuntimeError("the server did not start")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and its workers."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def base_env(demo_dir: Path) -> dict[str, str]:
    """The environment every set-up shares."""
    env = dict(os.environ)
    env.update(
        SZMQA_DEMO_DIR=str(demo_dir),
        SZMQA_CONTENT_DIR=str(ROOT / "docs"),
        SZMQA_TRUSTED_PROXIES="127.0.0.1",
        PYTHONPATH=str(ROOT),
        # Capacity, not shedding (bench/bench_overload.py measures that): no in-flight bound
        # below the clients' number.
        SZMQA_INFLIGHT_CAPTCHAS="1000",
        SZMQA_INFLIGHT_SMS="1000",
        SZMQA_INFLIGHT_VOTES="1000",
        # The phone flow's numbers run in sequence, all in a few 7-digit blocks: SMS economics
        # (bench/bench_sms_pumping.py measures those) must not cap the bench's own voters.
        SZMQA_SMS_BLOCK_DAILY_CAP="10000",
        SZMQA_SMS_DAILY_BUDGET="10000000",
    )
    return env


def services_running() -> bool:
    """Whether PostgreSQL and Redis listen on their usual ports."""
    for port in (5432, 6379):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            return False
    return True


def postgres_schema(action: str) -> str:
    """Create (fresh) or drop the benchmark's own schema; return the URL that uses it."""
    import psycopg
    import redis

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        if action == "create":
            conn.execute(f"CREATE SCHEMA {SCHEMA}")
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter("LIMITS:*szmqa*/10.*"):  # only the benchmark's own addresses
        client.delete(key)
    return f"{POSTGRES_URL}?options=-csearch_path%3D{SCHEMA}"


def run_setup(name: str, env: dict[str, str], workers: int, args: argparse.Namespace) -> dict:
    """Start a server, measure, stop it; print and return the phases."""
    print(f"\n{name}: {workers} worker(s), {args.clients} clients", flush=True)
    process, server = start_server(env, workers, Path(env["SZMQA_DEMO_DIR"]).parent / "server.log")
    try:
        phases = asyncio.run(measure(server, args.clients, args.seconds))
    finally:
        stop_server(process)
    for phase in phases.values():
        print(phase.line())
        print(phase.cpu_line())
    bare, captcha, vote, full = (phases[k].rate for k in ("bare", "captcha", "vote", "full"))
    p99 = phases["vote"].percentile(99)
    print(
        f"  vote/bare {vote / bare:6.1%} (target >= 15%)   vote p99 {p99:.1f} ms (target <= 30 ms)"
        f"   full/captcha {full / captcha:6.1%} (target >= 80%)"
        f"   phone/captcha {phases['phone'].rate / captcha:6.1%} (target >= 60%)"
    )
    per_bare = phases["bare"].cpu_per_request("server")
    per_challenge = phases["captcha"].cpu_per_request("server")
    per_vote = phases["full"].cpu_per_request("server")
    print(
        f"  server CPU per image challenge {per_challenge:5.2f} ms (target <= 2 ms)"
        f"   per vote, full flow {per_vote:5.2f} ms (target <= 3 ms)"
        f"   (a bare request {per_bare:4.2f} ms: x {per_challenge / per_bare:4.1f} and"
        f" x {per_vote / per_bare:4.1f})"
    )
    return phases


def main() -> None:
    """Run every set-up and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of the bare phase")
    parser.add_argument("--only", choices=["sqlite", "postgres"], default=None)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    with tempfile.TemporaryDirectory(prefix="bench-vote-") as tmp:
        demo_dir = write_demo(Path(tmp) / "demo", today())
        results: dict[str, dict] = {}
        if args.only in (None, "sqlite"):
            env = base_env(demo_dir)
            env.update(SZMQA_DATABASE_URL=f"sqlite:///{tmp}/bench.db")
            env["SZMQA_RATELIMIT_STORAGE_URI"] = "memory://"
            results["sqlite-1"] = run_setup("SQLite + in-process limits", env, 1, args)
        if args.only in (None, "postgres"):
            if not services_running():
                print("\nPostgreSQL + Redis: not running on 127.0.0.1, skipped")
            else:
                for workers in (1, 2):
                    env = base_env(demo_dir)
                    env.pop("DATABASE_URL", None)
                    env["SZMQA_DATABASE_URL"] = postgres_schema("create")
                    env["SZMQA_RATELIMIT_STORAGE_URI"] = REDIS_URL
                    try:
                        results[f"pg-{workers}"] = run_setup(
                            "PostgreSQL + Redis", env, workers, args
                        )
                    finally:
                        postgres_schema("drop")
                one, two = results["pg-1"], results["pg-2"]
                print("\nScaling, PostgreSQL + Redis, two workers / one:")
                for key in ("bare", "captcha", "vote", "full"):
                    ratio = two[key].rate / one[key].rate
                    print(f"  {key:<8} {ratio:4.2f} x (target >= 1.6 x)")
                if "sqlite-1" in results:
                    ratio = two["full"].rate / results["sqlite-1"]["full"].rate
                    print(
                        f"  full flow, two PostgreSQL workers / one SQLite worker: {ratio:4.2f} x"
                    )
    print(
        f"\ncpus: {os.cpu_count()}; the clients, PostgreSQL and Redis run on the same machine"
        " (machine CPU is the share of all cpus busy during the phase)"
    )


if __name__ == "__main__":
    main()
