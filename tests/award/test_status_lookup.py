"""The status lookup page in Chromium: stopped entrants, award levels, partial credit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def look_up(page: Any, url: str, query: str) -> list[str]:
    page.goto(f"{url}/status/")
    page.get_by_label("申报主体名称或统一社会信用代码").fill(query)
    page.get_by_role("button", name="查询").click()
    page.locator("#status-results > *").first.wait_for(timeout=10000)
    return page.locator(".award-status").all_inner_texts()


def demo_row(site: Path, name: str) -> dict:
    rows = json.loads((site / "status-index.json").read_text(encoding="utf-8"))["entrants"]
    return next(row for row in rows if row["name"].startswith(name))


def test_lookup_shows_a_stopped_entrant_and_finds_it_by_part_of_its_code(
    page: Any, demo_site: Path, demo_site_url: str
) -> None:
    row = demo_row(demo_site, "福田示例金融科技")  # E13: site check, not on the committee's list
    part = row["credit_code"][-7:]
    (found,) = look_up(page, demo_site_url, part)
    assert "福田示例金融科技" in found
    assert "目前状态：未进入评委会审议（止于现场核查）" in found
    stages = page.locator(".award-status__stages li").all_inner_texts()
    assert stages[-1] == "现场核查（止于此阶段）"


def test_lookup_shows_the_award_level_after_publicity(page: Any, demo_site_url: str) -> None:
    (found,) = look_up(page, demo_site_url, "鹏城示例精密电子")
    assert "目前状态：拟奖：金奖（社会公示）" in found


def test_lookup_needs_six_characters_of_a_credit_code(
    page: Any, demo_site: Path, demo_site_url: str
) -> None:
    row = demo_row(demo_site, "福田示例金融科技")
    assert look_up(page, demo_site_url, row["credit_code"][-5:]) == []
    page.get_by_text("已公布的名单中没有找到").wait_for(timeout=10000)
