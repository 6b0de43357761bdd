"""A real award year beside the demo: check, demo build, production build and service all work."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from site_plugins.status_lookup import look_up
from tests.conftest import DEMO_NOW
from tests.content_files import notice_text, valid_year, write_content
from tests.project_copy import copy_project, szmqa

REAL_NOTICES = {
    "2026-11-13-vote.md": notice_text(
        title="2026年度文化类社会评价网络投票",
        date="2026-11-13",
        year=2026,
        stage="social_evaluation",
        category="culture",
        ballots=["2026-culture"],
    ),
    "2026-11-16-publicity.md": notice_text(
        kind="publicity",
        year=2026,
        stage="publicity",
        window={"start": "2026-11-16", "working_days": 5},
        objections=True,
    ),
}


def real_year() -> dict:
    """A valid 2026 year through every stage, with a culture ballot."""
    year = valid_year()
    year["stages"]["approval"] = list(year["stages"]["publicity"])
    return year


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's docs/ with a real 2026 year, built with and without the demo."""
    root = copy_project(tmp_path_factory.mktemp("real-and-demo"))
    write_content(root / "docs", real_year(), REAL_NOTICES)
    demo = szmqa("demo", "--out", "demo", "--today", "2026-11-24", cwd=root)
    assert demo.returncode == 0, demo.stderr
    for args in (("--demo", "--demo-dir", "demo", "--site", "demo-site"), ("--site", "prod")):
        built = szmqa("build", *args, cwd=root, now=DEMO_NOW)
        assert built.returncode == 0, built.stderr
    return root


def test_check_passes_on_the_real_year_alone_and_with_the_demo(project: Path) -> None:
    alone = szmqa("check", cwd=project)
    assert alone.returncode == 0, alone.stderr
    assert "检查通过：1 个年度文件，2 个通知" in alone.stdout
    both = szmqa("check", "--demo-dir", "demo", cwd=project)
    assert both.returncode == 0, both.stderr
    assert "检查通过：2 个年度文件，9 个通知" in both.stdout


def test_demo_build_has_both_years_on_their_own_pages(project: Path) -> None:
    site = project / "demo-site"
    real = (site / "awards/2026/index.html").read_text(encoding="utf-8")
    demo = (site / "awards/demo-2026/index.html").read_text(encoding="utf-8")
    assert "测试单位E1" in real and "（演示）" not in real.split('class="md-content"')[1]
    assert "鹏城示例精密电子有限公司（演示）" in demo and "演示数据" in demo
    assert (site / "notices/2026-11-16-publicity/index.html").is_file()
    assert (site / "notices/demo-2026-11-23-publicity/index.html").is_file()
    years = (site / "awards/index.html").read_text(encoding="utf-8")
    assert 'href="2026/"' in years and 'href="demo-2026/"' in years
    for page in (site / "notices").glob("demo-*/index.html"):
        assert "演示站点" in page.read_text(encoding="utf-8"), page


def test_production_build_contains_no_demo_page(project: Path) -> None:
    site = project / "prod"
    assert (site / "awards/2026/index.html").is_file()
    assert not [p for p in site.rglob("*") if "demo-" in p.name]
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "（演示）" not in text and "【演示】" not in text and "演示站点" not in text, page
    index = (site / "status-index.json").read_text(encoding="utf-8")
    assert look_up(index, "测试单位E1") and not look_up(index, "鹏城示例精密电子有限公司（演示）")


def test_service_serves_real_and_demo_ballots_and_notices_apart(
    project: Path, tmp_path: Path
) -> None:
    from vote_api.core.settings import Settings
    from vote_api.main import create_app

    settings = Settings(
        content_dir=project / "docs",
        demo_dir=project / "demo",
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'service.db'}",
    )
    with TestClient(create_app(settings)) as client:
        ballots = {b["id"]: b for b in client.get("/api/ballots").json()["ballots"]}
        assert {"2026-culture", "demo-2026-culture"} <= set(ballots)
        real_names = {c["name"] for c in ballots["2026-culture"]["candidates"]}
        demo_names = {c["name"] for c in ballots["demo-2026-culture"]["candidates"]}
        assert real_names == {"测试单位C1", "测试单位C2（测试项目C2）", "测试单位C3"}
        assert all("（演示）" in name for name in demo_names)
        real = client.get("/api/notices/2026-11-16-publicity").json()
        demo = client.get("/api/notices/demo-2026-11-23-publicity").json()
        assert {e["name"] for e in real["entrants"]} == {
            "测试单位E1",
            "测试单位E2",
            "测试单位E3",
            "测试单位C1",
        }
        assert all("（演示）" in e["name"] for e in demo["entrants"])
