"""Benchmark the site build: the demo site, and a generated site with 1,000 notices.

Prints build times (median of --runs), the home page and search index sizes, the time
`szmqa check` takes on the 1,000-notice content, and the bytes a browser transfers for the
home page, a stage list and the vote page (the page and every stylesheet and script it loads),
as `szmqa serve` sends them, compressed and not. Run: .venv/bin/python bench/bench_site.py
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urljoin

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from award.identifiers import credit_code_check_char  # noqa: E402
from szmqa.demo import write_demo  # noqa: E402


def mkdocs_build(config: Path, site: Path, demo_dir: Path | None) -> float:
    """Seconds one strict build takes."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SZMQA_NOW="2026-11-24T10:00:00+08:00")
    env["SZMQA_DEMO_DIR"] = str(demo_dir) if demo_dir else ""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--quiet",
            "-f",
            str(config),
            "-d",
            str(site),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - started


def thousand_notices(root: Path) -> Path:
    """A site folder with one award year of 200 entrants and 1,000 notices."""
    docs = root / "docs"
    (docs / "awards").mkdir(parents=True)
    (docs / "notices").mkdir()
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    entrants = []
    for number in range(1, 201):
        first17 = f"91440300{number:09d}"
        category = ["economic", "culture", "social", "ecology", "management", "service"][number % 6]
        entrants.append(
            {
                "id": f"N{number:03d}",
                "name": f"基准测试单位{number:03d}",
                "credit_code": first17 + credit_code_check_char(first17),
                "category": category,
                "kind": "organisation",
            }
        )
    ids = [e["id"] for e in entrants]
    year = {"year": 2026, "entrants": entrants, "stages": {"submission": ids, "acceptance": ids}}
    (docs / "awards" / "2026.yml").write_text(
        yaml.safe_dump(year, allow_unicode=True), encoding="utf-8"
    )
    start = date(2026, 1, 5)
    for index in range(1000):
        day = start + timedelta(days=index % 300)
        meta = {
            "title": f"基准测试公告第{index + 1}号",
            "date": day.isoformat(),
            "year": 2026,
            "stage": "acceptance",
        }
        if index % 4 == 0:
            meta |= {"kind": "publicity", "window": {"start": day.isoformat(), "working_days": 5}}
        text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n\n公告正文。\n"
        (docs / "notices" / f"{day.isoformat()}-n{index:04d}.md").write_text(text, encoding="utf-8")
    config = {
        "site_name": "基准",
        "docs_dir": str(docs),
        "site_url": "http://127.0.0.1:8000/",
        "theme": {
            "name": "material",
            "language": "zh",
            "font": False,
            "custom_dir": str(ROOT / "overrides"),
        },
        "plugins": ["search", {"award": {"now": "2026-11-24T10:00:00+08:00"}}],
        "markdown_extensions": ["admonition", "attr_list", "md_in_html", "tables"],
        # As on the real site: the notices index is in the nav, each notice is not.
        "nav": [
            {"首页": "index.md"},
            {"公示公告": "notices/index.md"},
            {"年度名单": "awards/index.md"},
        ],
        "not_in_nav": "/notices/*.md\n/awards/*.md\n",
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return root / "mkdocs.yml"


PAGES = {"home": "/", "stage list": "/awards/2026/", "vote page": "/vote/"}
SUBRESOURCE = re.compile(r'<(?:script[^>]+src|link[^>]+rel="stylesheet"[^>]+href)="([^"]+)"')


def transferred(site: Path, demo: Path, data: Path) -> dict[str, tuple[int, int]]:
    """Per page: (bytes sent with gzip, bytes without) for the page and what it loads."""
    from starlette.testclient import TestClient

    from vote_api.core.settings import Settings
    from vote_api.main import create_app

    settings = Settings(
        database_url=f"sqlite:///{data}/bench.db",
        demo_dir=demo,
        site_dir=site,
        content_dir=ROOT / "docs",
        data_dir=data,
    )
    sizes = {}
    with TestClient(create_app(settings)) as client:
        for label, path in PAGES.items():
            page = client.get(path, headers={"Accept-Encoding": "gzip"})
            urls = [urljoin(f"http://testserver{path}", u) for u in SUBRESOURCE.findall(page.text)]
            compressed, plain = page.num_bytes_downloaded, len(page.content)
            for url in urls:
                if not url.startswith("http://testserver/"):
                    continue
                asset = client.get(url, headers={"Accept-Encoding": "gzip"})
                compressed += asset.num_bytes_downloaded
                plain += len(asset.content)
            sizes[label] = (compressed, plain)
    return sizes


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        demo = write_demo(tmp_path / "demo", date(2026, 11, 24))
        production = [
            mkdocs_build(ROOT / "mkdocs.yml", tmp_path / "prod", None) for _ in range(runs)
        ]
        demo_times = [
            mkdocs_build(ROOT / "mkdocs.yml", tmp_path / "site", demo) for _ in range(runs)
        ]
        home = (tmp_path / "site" / "index.html").stat().st_size
        weights = transferred(tmp_path / "site", demo, tmp_path / "var")
        index = (tmp_path / "site" / "search" / "search_index.json").stat().st_size
        config = thousand_notices(tmp_path / "big")
        big = [mkdocs_build(config, tmp_path / "big-site", None) for _ in range(runs)]
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "szmqa", "check", "--docs", str(tmp_path / "big" / "docs")],
            check=True,
            capture_output=True,
        )
        check = time.perf_counter() - started
    print(
        f"production site build (guide only): median {statistics.median(production):.2f} s over {runs} runs"
    )
    print(
        f"demo site build:                    median {statistics.median(demo_times):.2f} s over {runs} runs"
    )
    print(f"home page: {home / 1024:.1f} KiB; search index: {index / 1024:.1f} KiB")
    print(
        f"1,000-notice site build:            median {statistics.median(big):.2f} s over {runs} runs"
    )
    print(f"szmqa check on 1,000 notices:       {check:.2f} s")
    for label, (compressed, plain) in weights.items():
        print(
            f"{label + ' transferred:':<36}{compressed / 1024:.1f} KiB gzip"
            f" ({plain / 1024:.1f} KiB uncompressed; page, stylesheets, scripts)"
        )
    print(
        f"ratio 1,000-notice / demo build:    {statistics.median(big) / statistics.median(demo_times):.1f}x"
    )


if __name__ == "__main__":
    main()
