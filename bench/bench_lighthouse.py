"""Lighthouse (mobile) on the main pages: year, home, notice, vote and objection.

Runs the demo (`szmqa serve --demo`) of the working tree, and with ``--before REV`` also that of
an earlier git revision, each in its own folder and process, then runs Lighthouse from the npm
registry (bench/lighthouse/package.json, installed there with ``npm ci`` on first use) with
Debian's Chromium, offline (every page is served from 127.0.0.1), and prints the performance
and accessibility scores and the total blocking time per page, median of ``--runs``.

Run: .venv/bin/python bench/bench_lighthouse.py --before main --runs 3
Timings depend on the machine's load at the time; compare figures of one run of this script.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_DIR = ROOT / "bench" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("SZMQA_CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-dev-shm-usage"


def install_lighthouse() -> None:
    """Install the pinned Lighthouse into bench/lighthouse/node_modules if it is not there."""
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=LIGHTHOUSE_DIR, check=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def export_tree(rev: str, folder: Path) -> Path:
    """The files of a git revision, written to a folder."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev], cwd=ROOT, check=True, capture_output=True
    ).stdout
    folder.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


@contextmanager
def demo_server(tree: Path, data: Path) -> Iterator[str]:
    """`szmqa serve --demo` of a source tree, its own modules first on the path; yields its URL."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(tree), SZMQA_DATA_DIR=str(data), NO_MKDOCS_2_WARNING="1")
    env.pop("SZMQA_NOW", None)
    command = [sys.executable, "-m", "szmqa", "serve", "--demo", "--port", str(port)]
    command += ["--site", str(data / "site"), "--demo-dir", str(data / "demo")]
    log = open(data.parent / f"{data.name}.log", "w", encoding="utf-8")  # noqa: SIM115
    process = subprocess.Popen(command, cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(f"{url}/", timeout=2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the demo of {tree} did not start: see {log.name}"
                    ) from None
                time.sleep(1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def pages(url: str) -> dict[str, str]:
    """The pages measured: their paths on a running demo (the notice is the open publicity)."""
    notices = urllib.request.urlopen(f"{url}/notices/").read().decode("utf-8")
    notice = re.search(r'href="(demo-[0-9-]+-publicity)/"', notices)
    years = urllib.request.urlopen(f"{url}/awards/").read().decode("utf-8")
    year = re.search(r'href="(demo-[0-9]+)/"', years)
    if notice is None or year is None:
        raise RuntimeError("the demo has no publicity notice or no year page")
    return {
        "年度名单": f"/awards/{year.group(1)}/",
        "首页": "/",
        "公示": f"/notices/{notice.group(1)}/",
        "网络投票": "/vote/",
        "异议受理": f"/objection/?notice={notice.group(1)}",
    }


def lighthouse(url: str, out: Path) -> dict[str, float]:
    """One Lighthouse run (mobile, simulated throttling): scores out of 100 and TBT in ms."""
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--only-categories=performance,accessibility",
            "--output=json",
            f"--output-path={out}",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        env=dict(os.environ, CHROME_PATH=CHROMIUM),
        check=True,
        timeout=300,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    categories = report["categories"]
    audits = report["audits"]
    return {
        "performance": round(categories["performance"]["score"] * 100),
        "accessibility": round(categories["accessibility"]["score"] * 100),
        "tbt": audits["total-blocking-time"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
    }


def measure(
    tree: Path, work: Path, label: str, runs: int, only: list[str], keep: Path | None
) -> dict[str, dict[str, float]]:
    """The median figures of every page (or those named in ``only``) of one tree's demo."""
    figures: dict[str, dict[str, float]] = {}
    with demo_server(tree, work / label) as url:
        for name, path in pages(url).items():
            if only and name not in only:
                continue
            reports = keep or work
            samples = [
                lighthouse(url + path, reports / f"{label}-{name}-{i}.json") for i in range(runs)
            ]
            figures[name] = {
                key: statistics.median(sample[key] for sample in samples) for key in samples[0]
            }
            print(f"  {label} {name}: {figures[name]}", flush=True)
    return figures


def main() -> None:
    """Measure the working tree (and a revision before it) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a git revision to measure too, e.g. main")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (median)")
    parser.add_argument("--only", nargs="*", default=[], help="page names, e.g. 年度名单 网络投票")
    parser.add_argument("--keep", type=Path, help="a folder to keep the Lighthouse reports in")
    args = parser.parse_args()
    if shutil.which("npm") is None:
        sys.exit("需要 npm（Debian 包 npm）来安装 Lighthouse")
    install_lighthouse()
    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="szmqa-lighthouse-") as temp:
        work = Path(temp)
        if args.before:
            tree = export_tree(args.before, work / "before-tree")
            results["before"] = measure(tree, work, "before", args.runs, args.only, args.keep)
        results["after"] = measure(ROOT, work, "after", args.runs, args.only, args.keep)
    labels = list(results)
    print(f"\nLighthouse {LIGHTHOUSE_DIR.name} (mobile), median of {args.runs} run(s)")
    header = "| page | " + " | ".join(f"{label} perf / a11y / TBT ms" for label in labels) + " |"
    print(header)
    print("|" + " --- |" * (len(labels) + 1))
    for name in results["after"]:
        cells = []
        for label in labels:
            figure = results[label].get(name)
            cells.append(
                f"{figure['performance']:.0f} / {figure['accessibility']:.0f} / {figure['tbt']:.0f}"
                if figure
                else "—"
            )
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
