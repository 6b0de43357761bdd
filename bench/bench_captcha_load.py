"""Image captchas while many people ask for audio: does audio starve images?

Starts the real server (``bench/app.py``, SQLite, rate limits off so the load is the worst
case), measures the image-captcha latency idle, then again while 20 clients (in a process of
their own) ask for audio captchas as fast as the server answers them. Prints both medians and p90s and their ratio
(target: loaded median at most 2x idle), and the audio answers that were refused as busy.
Run: ``.venv/bin/python bench/bench_captcha_load.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from award.calendar import today  # noqa: E402
from award.models import DEMO_PREFIX  # noqa: E402
from bench.bench_vote import machine_cpu  # noqa: E402
from szmqa.demo import write_demo  # noqa: E402

BALLOT = f"{DEMO_PREFIX}{today().year}-culture"


def start_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    """uvicorn with bench/app.py on a fresh SQLite file and the demo content."""
    demo = write_demo(folder / "demo", today())
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SZMQA_DATABASE_URL": f"sqlite:///{folder}/bench.db",
        "SZMQA_DATA_DIR": str(folder / "var"),
        "SZMQA_DEMO_DIR": str(demo),
        "SZMQA_RATELIMIT_ENABLED": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "bench.app:app", "--port", str(port),
         "--no-access-log", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


async def image_latencies(url: str, count: int) -> list[float]:
    """Milliseconds per image captcha, one after the other."""
    times = []
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        for _ in range(count):
            started = time.perf_counter()
            response = await client.post(
                "/api/captchas", json={"purpose": "vote", "target": BALLOT}
            )
            response.raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    return times


async def audio_load(url: str, clients: int, stop: Any, counts: dict[int, int]) -> None:
    """``clients`` loops asking for audio captchas until ``stop`` (an event) is set."""

    async def loop() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            while not stop.is_set():
                response = await client.post(
                    "/api/captchas", json={"purpose": "vote", "target": BALLOT, "kind": "audio"}
                )
                counts[response.status_code] = counts.get(response.status_code, 0) + 1

    await asyncio.gather(*(loop() for _ in range(clients)))


def audio_load_process(url: str, clients: int, stop: Any, results: Any) -> None:
    """The audio load in a process of its own; puts the answers' counts on ``results``."""
    counts: dict[int, int] = {}
    asyncio.run(audio_load(url, clients, stop, counts))
    results.put(counts)


async def measure(url: str, samples: int, clients: int) -> None:
    """Print idle and loaded image latencies.

    The audio load runs in a process of its own, so the image client's own event loop is not
    busy with the load's requests (its latencies are the server's).
    """
    await image_latencies(url, 20)  # warm the drawing processes
    idle = await image_latencies(url, samples)
    context = multiprocessing.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    load = context.Process(target=audio_load_process, args=(url, clients, stop, results))
    load.start()
    await asyncio.sleep(3)
    busy, total = machine_cpu()
    loaded = await image_latencies(url, samples)
    busy_after, total_after = machine_cpu()
    stop.set()
    counts = results.get(timeout=60)
    load.join(timeout=60)
    for name, values in (("idle", idle), (f"{clients} audio clients", loaded)):
        ordered = sorted(values)
        print(
            f"image captcha, {name:<18} median {statistics.median(values):7.1f} ms"
            f"   p90 {ordered[int(len(ordered) * 0.9)]:7.1f} ms"
        )
    ratio = statistics.median(loaded) / statistics.median(idle)
    print(f"loaded / idle median: {ratio:.2f} (target at most 2.00)")
    share = (busy_after - busy) / (total_after - total) if total_after > total else float("nan")
    print(f"machine CPU during the loaded measurement: {share:.0%} of {os.cpu_count()} cpus")
    print(f"audio answers during the load: {dict(sorted(counts.items()))}")


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder), args.port)
        try:
            asyncio.run(measure(f"http://127.0.0.1:{args.port}", args.samples, args.clients))
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
