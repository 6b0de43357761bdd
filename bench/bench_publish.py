"""Benchmark publishing: check, build and switch times, and how soon every worker follows.

1. ``szmqa publish`` of the project's site with the demo year (a demo deployment), and of a
   generated site with 1,000 notices: the check, build and switch times of each (median of
   --runs).
2. A service with two uvicorn workers serving ``current/content``: the delay from the switch
   of a publish to the moment every answer (fresh connections, so both workers answer) lists a
   ballot the new release added.

Run: .venv/bin/python bench/bench_publish.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_site import thousand_notices  # noqa: E402
from szmqa.demo import write_demo  # noqa: E402
from szmqa.publish import CURRENT, RELEASES, Timings, publish, switch_to  # noqa: E402

NOW = "2026-11-24T10:00:00+08:00"
KEYS = {"SZMQA_SECRET_KEY": "b" * 40, "SZMQA_ENCRYPTION_KEY": "c" * 40}


def project_copy(target: Path) -> Path:
    """The project's site sources (mkdocs.yml, docs/, overrides/) in a folder of their own."""
    for name in ("mkdocs.yml", "docs", "overrides", "site_plugins/jieba_user_dict.txt"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def median_timings(runs: list[Timings]) -> Timings:
    return Timings(
        check=statistics.median(t.check for t in runs),
        build=statistics.median(t.build for t in runs),
        switch=statistics.median(t.switch for t in runs),
    )


def publish_times(source: Path, root: Path, runs: int, demo_dir: Path | None = None) -> Timings:
    """Median timings of ``runs`` publishes, each of changed sources (identical ones build nothing)."""
    timings = []
    for run in range(runs):
        with (source / "docs" / "index.md").open("a", encoding="utf-8") as page:
            page.write(f"\n<!-- run {run} -->\n")
        timings.append(publish(source, root, demo_dir=demo_dir)[1])
    return median_timings(timings)


def unchanged_times(source: Path, root: Path, runs: int, demo_dir: Path | None = None) -> float:
    """Median seconds of publishing what is already live (check and compare, no build)."""
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        assert publish(source, root, demo_dir=demo_dir)[2] is False
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def ballots(url: str) -> list[str]:
    with httpx.Client() as client:  # a fresh connection: any worker may answer
        return [b["id"] for b in client.get(f"{url}/api/ballots", timeout=5).json()["ballots"]]


def reload_delay(tmp: Path, workers: int = 2) -> tuple[float, float]:
    """Seconds from a switch to the first request answered with the new ballot, and to the
    last request still answered without it (every later one, from any worker, has it)."""
    root = tmp / "service-publish"
    year = yaml.safe_load((tmp / "year.yml").read_text(encoding="utf-8"))
    for name, with_ballot in (("v1", False), ("v2", True)):
        folder = root / RELEASES / name / "content"
        (folder / "notices").mkdir(parents=True)
        (folder / "awards").mkdir()
        data = dict(year, ballots=year["ballots"] if with_ballot else [])
        (folder / "awards" / "2026.yml").write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
    switch_to(root, root / RELEASES / "v1")
    env = dict(os.environ, **KEYS) | {
        "SZMQA_CONTENT_DIR": str(root / CURRENT / "content"),
        "SZMQA_DATA_DIR": str(tmp / "data"),
        "SZMQA_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "SZMQA_RATELIMIT_ENABLED": "false",
    }
    env.pop("SZMQA_DEMO_DIR", None)
    subprocess.run([sys.executable, "-m", "szmqa", "db", "upgrade"], env=env, check=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "--factory", "vote_api.main:app_from_environment",
            "--port", str(port), "--workers", str(workers), "--no-access-log", "--log-level", "warning",
        ],
        env=env, cwd=ROOT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if all(ballots(url) == [] for _ in range(20)):
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the service did not start")
            time.sleep(0.2)
        switched = time.monotonic()
        switch_to(root, root / RELEASES / "v2")
        wanted = [year["ballots"][0]["id"]]
        first = last_stale = None
        fresh_in_a_row = 0
        while fresh_in_a_row < 40:  # 40 fresh connections in a row all answer with the ballot
            asked = time.monotonic() - switched
            if ballots(url) == wanted:
                first = asked if first is None else first
                fresh_in_a_row += 1
            else:
                last_stale, fresh_in_a_row = asked, 0
            if asked > 60:
                raise RuntimeError("the workers did not follow within 60 s")
        return first or 0.0, last_stale or 0.0
    finally:
        server.terminate()
        server.wait(timeout=30)


def real_year() -> dict:
    """A small valid year with one ballot (for the reload measurement)."""
    from tests.content_files import valid_year

    return valid_year()


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reload-only", action="store_true", help="only the reload delay")
    options = parser.parse_args()
    runs = options.runs
    os.environ["SZMQA_NOW"] = NOW
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if options.reload_only:
            (tmp / "year.yml").write_text(yaml.safe_dump(real_year(), allow_unicode=True), "utf-8")
            first, every = reload_delay(tmp)
            print(f"reload, 2 workers: first new answer {first:.2f} s, last stale {every:.2f} s")
            return
        source = project_copy(tmp / "project")
        demo = write_demo(tmp / "demo", date(2026, 11, 24))
        demo_times = publish_times(source, tmp / "publish-demo", runs, demo_dir=demo)
        same = unchanged_times(source, tmp / "publish-demo", runs, demo_dir=demo)
        big_source = project_copy(tmp / "big")  # the whole site, with 1,000 notices
        generated = thousand_notices(tmp / "generated").parent / "docs"
        for folder in ("awards", "notices"):
            shutil.copytree(generated / folder, big_source / "docs" / folder, dirs_exist_ok=True)
        big_times = publish_times(big_source, tmp / "publish-big", runs)
        (tmp / "year.yml").write_text(yaml.safe_dump(real_year(), allow_unicode=True), "utf-8")
        first, every = reload_delay(tmp)
    print(f"publish, demo site (guide + demo year):  {demo_times.describe()}  (median of {runs})")
    print(f"publish, site with 1,000 notices:        {big_times.describe()}  (median of {runs})")
    print(f"publish of what is already live (demo site): {same:.2f} s, no build (median of {runs})")
    print(f"reload, 2 workers: first request answered with the new ballot {first:.2f} s after")
    print(f"                   the switch; last one without it sent {every:.2f} s after the switch")


if __name__ == "__main__":
    main()
