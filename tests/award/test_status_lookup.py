"""The status lookup page in Chromium: found by a full credit code or an exact name, nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.browser


def look_up(page: Any, url: str, query: str) -> list[str]:
    page.goto(f"{url}/status/")
    page.get_by_label("申报主体名称或统一社会信用代码").fill(query)
    page.get_by_role("button", name="查询").click()
    page.locator("#status-results > *").first.wait_for(timeout=10000)
    return page.locator(".award-status").all_inner_texts()


def demo_entrant(demo_dir: Path, name: str) -> dict:
    (path,) = (demo_dir / "awards").glob("*.yml")
    year = yaml.safe_load(path.read_text(encoding="utf-8"))
    return next(e for e in year["entrants"] if e["name"].startswith(name))


def test_lookup_by_full_credit_code_shows_a_stopped_entrant(
    page: Any, demo_dir: Path, demo_site_url: str
) -> None:
    entrant = demo_entrant(demo_dir, "福田示例金融科技")  # site check, not on the committee's list
    (found,) = look_up(page, demo_site_url, " " + entrant["credit_code"].lower() + " ")
    assert "福田示例金融科技" in found
    assert "目前状态：未进入评委会审议（止于现场核查）" in found
    stages = page.locator(".award-status__stages li").all_inner_texts()
    assert stages[-1] == "现场核查（止于此阶段）"


def test_lookup_by_exact_name_shows_the_award_level_after_publicity(
    page: Any, demo_site_url: str
) -> None:
    (found,) = look_up(page, demo_site_url, "鹏城示例精密电子有限公司（演示）")
    assert "目前状态：拟奖：金奖（社会公示）" in found


@pytest.mark.parametrize("part", ["code", "name"])
def test_a_part_of_a_code_or_name_finds_nothing(
    page: Any, demo_dir: Path, demo_site_url: str, part: str
) -> None:
    entrant = demo_entrant(demo_dir, "福田示例金融科技")
    query = entrant["credit_code"][:-1] if part == "code" else "福田示例金融科技"
    assert look_up(page, demo_site_url, query) == []
    page.get_by_text("已公布的名单中没有找到").wait_for(timeout=10000)


def test_the_index_names_no_one(demo_dir: Path, demo_site: Path) -> None:
    index = (demo_site / "status-index.json").read_text(encoding="utf-8")
    entrant = demo_entrant(demo_dir, "福田示例金融科技")
    assert "示例" not in index and entrant["credit_code"] not in index
