"""Public latency while six connections flood the console's sign-in, against idle.

Starts the real server (one worker, SQLite, as ``./run.sh``), enrols one staff member, then
measures ``GET /api/ballots`` (one client, one request after another) for a few seconds:
idle; while six connections post sign-in attempts as fast as they are answered, each from a
new network (half on the staff member's name with wrong passwords, half on unknown names),
so that no back-off applies and every attempt costs a password check; and while the six
post from one network (the back-off answers them). It prints the public p50/p90/p99, the
ratio to idle (target: at most 2x) and the machine's CPU use, the sign-in attempts answered
per second and their statuses, and the median answer time of a refused sign-in for an unknown
name against a wrong password (one at a time, without a flood).

Run: ``.venv/bin/python bench/bench_signin_flood.py [--seconds 5] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from award.calendar import now as shanghai_now  # noqa: E402
from award.calendar import today  # noqa: E402
from bench.bench_vote import base_env, machine_cpu, start_server, stop_server  # noqa: E402
from szmqa.demo import write_demo  # noqa: E402
from vote_api.console import accounts, totp  # noqa: E402
from vote_api.console.models import Role  # noqa: E402
from vote_api.core.settings import Settings  # noqa: E402
from vote_api.core.state import core_state  # noqa: E402
from vote_api.main import create_app  # noqa: E402

STAFF = "值班员"
PASSWORD = "a long enough staff password"
FLOOD_CONNECTIONS = 6
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def enrol_staff(env: dict[str, str]) -> None:
    """Create the database and one enrolled staff member, as ``szmqa staff add`` would."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        app = create_app(Settings())
    finally:
        os.environ.clear()
        os.environ.update(saved)
    state = core_state(app)
    now = shanghai_now()
    with state.db.session() as session:
        token = accounts.add_staff(session, STAFF, Role.ADMIN, actor="bench", now=now)
        staff = accounts.staff_for_enrolment(session, token, now)
        assert staff is not None
        secret = accounts.enrolment_secret(session, staff, state.sealer)
        code = totp.code_at(secret, now)
        accounts.complete_enrolment(session, staff, state.sealer, PASSWORD, PASSWORD, code, now)
    state.db.close()


async def public_latency(url: str, seconds: float) -> list[float]:
    """Seconds per ``GET /api/ballots``, one after another, for ``seconds``."""
    times = []
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            started = time.perf_counter()
            answer = await client.get("/api/ballots")
            times.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.text
    return times


async def flood_connection(
    url: str, worker: int, stop: asyncio.Event, one_network: bool, seen: dict[str, list]
) -> None:
    """Post sign-in attempts until ``stop``: wrong passwords and unknown names, in turn."""
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        form = await client.get("/admin/sign-in", headers={"X-Forwarded-For": "192.0.2.1"})
        token = CSRF.search(form.text)
        assert token is not None
        for n in itertools.count():
            if stop.is_set():
                return
            address = "198.51.100.7" if one_network else f"10.{worker}.{n // 250 % 250}.{n % 250}"
            known = n % 2 == 0
            data = {
                "csrf": token.group(1),
                "name": STAFF if known else f"不存在{worker}-{n}",
                "password": f"wrong password {n}",
                "code": "123456",
            }
            started = time.perf_counter()
            answer = await client.post(
                "/admin/sign-in", data=data, headers={"X-Forwarded-For": address}
            )
            took = time.perf_counter() - started
            seen["status"].append(answer.status_code)
            seen["known" if known else "unknown"].append(took)


async def measure(url: str, seconds: float, flood: str | None) -> dict[str, object]:
    """Public latency, with the sign-in flood of the given kind running (or none)."""
    stop = asyncio.Event()
    seen: dict[str, list] = {"status": [], "known": [], "unknown": []}
    floods = [
        asyncio.create_task(flood_connection(url, n, stop, flood == "one network", seen))
        for n in range(FLOOD_CONNECTIONS if flood else 0)
    ]
    await asyncio.sleep(1.0 if flood else 0)  # let the flood get going
    cpu_before = machine_cpu()
    times = await public_latency(url, seconds)
    cpu_after = machine_cpu()
    stop.set()
    await asyncio.gather(*floods)
    busy = (cpu_after[0] - cpu_before[0]) / max(1, cpu_after[1] - cpu_before[1])
    return {"times": times, "seen": seen, "cpu": busy, "seconds": seconds + 1.0}


async def answer_times(url: str, rounds: int) -> tuple[list[float], list[float]]:
    """Seconds per refused sign-in, one at a time: a wrong password, an unknown name, in turn."""
    known: list[float] = []
    unknown: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        form = await client.get("/admin/sign-in")
        token = CSRF.search(form.text)
        assert token is not None
        for n in range(2 * rounds):
            data = {
                "csrf": token.group(1),
                "name": STAFF if n % 2 else f"不存在的人{n}",
                "password": f"wrong password {n}",
                "code": "123456",
            }
            started = time.perf_counter()
            answer = await client.post(
                "/admin/sign-in", data=data, headers={"X-Forwarded-For": f"172.16.{n}.1"}
            )
            assert answer.status_code == 401, answer.text
            (known if n % 2 else unknown).append(time.perf_counter() - started)
    return known, unknown


def merged(runs: list[dict[str, object]]) -> dict[str, object]:
    """The rounds of one phase as one: all times and answers, mean CPU, total seconds."""
    seen: dict[str, list] = {"status": [], "known": [], "unknown": []}
    times: list[float] = []
    for run in runs:
        times += run["times"]  # type: ignore[operator]
        for key, values in run["seen"].items():  # type: ignore[attr-defined]
            seen[key] += values
    return {
        "times": times,
        "seen": seen,
        "cpu": statistics.mean(float(run["cpu"]) for run in runs),  # type: ignore[arg-type]
        "seconds": sum(float(run["seconds"]) for run in runs),  # type: ignore[arg-type]
    }


def quantile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of the values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    """Run the three phases and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per phase and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-signin-") as tmp:
        env = base_env(write_demo(Path(tmp) / "demo", today()))
        env.update(
            SZMQA_DATABASE_URL=f"sqlite:///{tmp}/szmqa.db",
            SZMQA_DATA_DIR=f"{tmp}/var",
        )
        enrol_staff(env)
        process, server = start_server(env, 1, Path(tmp) / "server.log")
        url = f"http://127.0.0.1:{server.port}"
        try:
            asyncio.run(public_latency(url, 1.0))  # warm up
            known, unknown = asyncio.run(answer_times(url, 20))
            phases = [
                ("空闲", None),
                ("登录洪泛：6 个连接，每次换网络", "many"),
                ("登录洪泛：6 个连接，同一网络", "one network"),
            ]
            results: dict[str, list[dict[str, object]]] = {label: [] for label, _ in phases}
            for _ in range(args.rounds):  # phases in turn: the machine's other load evens out
                for label, flood in phases:
                    results[label].append(asyncio.run(measure(url, args.seconds, flood)))
            rows = [(label, merged(results[label])) for label, _ in phases]
        finally:
            stop_server(process)
    idle = statistics.median(rows[0][1]["times"])  # type: ignore[arg-type]
    print(
        f"GET /api/ballots，单个客户端连续请求，每阶段 {args.seconds:.0f} 秒 × {args.rounds} 轮"
        f"（各阶段轮流）；SQLite，1 个工作进程；{os.cpu_count()} 核，负载 "
        f"{os.getloadavg()[0]:.1f}\n"
    )
    print(f"{'阶段':<30}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}{'p50/空闲':>10}{'整机CPU':>8}")
    for label, result in rows:
        times: list[float] = result["times"]  # type: ignore[assignment]
        p50 = statistics.median(times)
        print(
            f"{label:<30}{p50 * 1000:>8.1f}{quantile(times, 0.9) * 1000:>8.1f}"
            f"{quantile(times, 0.99) * 1000:>8.1f}{p50 / idle:>10.2f}"
            f"{result['cpu']:>8.0%}"
        )
    print(
        f"\n单次登录失败（无洪泛，各 {len(known)} 次）的回答中位数：已有账户名错密码 "
        f"{statistics.median(known) * 1000:.0f} ms，不存在的账户名 "
        f"{statistics.median(unknown) * 1000:.0f} ms"
    )
    for label, result in rows[1:]:
        seen: dict[str, list] = result["seen"]  # type: ignore[assignment]
        statuses = Counter(seen["status"])
        rate = len(seen["status"]) / float(result["seconds"])  # type: ignore[arg-type]
        known = statistics.median(seen["known"]) * 1000 if seen["known"] else 0.0
        unknown = statistics.median(seen["unknown"]) * 1000 if seen["unknown"] else 0.0
        print(
            f"\n{label}：登录请求 {rate:.1f} 次/秒，状态 {dict(statuses)}；"
            f"回答中位数：已有账户名错密码 {known:.0f} ms，不存在的账户名 {unknown:.0f} ms"
        )


if __name__ == "__main__":
    main()
