"""The site as a person sees it, in headless Chromium: pages, search, status lookup, banner."""

from __future__ import annotations

from datetime import datetime

import pytest

pytestmark = pytest.mark.browser


def test_browser_home_page_renders_title_navigation_and_table(page, demo_site_url):
    page.goto(f"{demo_site_url}/")
    assert page.title().startswith("深圳市市长质量奖")
    tabs = page.locator(".md-tabs__link")
    assert [t.strip() for t in tabs.all_inner_texts()][:3] == ["首页", "申报指引", "公示公告"]
    assert page.locator("article table").count() >= 1
    assert "总数不超过21名" in page.locator("article table").first.inner_text()


def test_browser_guide_page_renders_title_navigation_and_table(page, demo_site_url):
    page.goto(f"{demo_site_url}/guide/award/categories/")
    assert "奖项设置" in page.locator("article h1").inner_text()
    assert page.locator("nav.md-nav--primary").get_by_text("二、申奖流程").count() >= 1
    table = page.locator("article table").first
    assert "不超过 2 名" in table.inner_text() or "不超过2名" in table.inner_text()


def test_browser_search_for_defence_lists_the_process_page(page, demo_site_url):
    page.goto(f"{demo_site_url}/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    # Chinese text arrives as inserted text, without the key-up that an input method's
    # confirmation produces and that the search box listens to: press End, as an IME does.
    box.fill("答辩")
    box.press("End")
    results = page.locator(".md-search-result__link")
    results.first.wait_for(timeout=60000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("guide/process/" in (href or "") for href in hrefs), hrefs


def test_browser_status_lookup_shows_stages_reached(page, demo_site_url):
    page.goto(f"{demo_site_url}/status/")
    page.get_by_label("申报主体名称或统一社会信用代码").fill("鹏城示例精密电子有限公司（演示）")
    page.get_by_role("button", name="查询").click()
    result = page.locator(".award-status").first
    result.wait_for(timeout=10000)
    text = result.inner_text()
    assert "鹏城示例精密电子有限公司（演示）" in text
    stages = page.locator(".award-status__stages li").all_inner_texts()
    assert stages[0] == "系统申报" and stages[-1].startswith("社会公示")
    assert "现场核查" in stages and "社会评价" not in stages


def test_browser_status_lookup_by_credit_code_and_unknown_name(page, demo_site_url):
    page.goto(f"{demo_site_url}/status/")
    box = page.get_by_label("申报主体名称或统一社会信用代码")
    box.fill("不存在的单位")
    box.press("Enter")
    page.get_by_text("已公布的名单中没有找到").wait_for(timeout=10000)


def test_browser_banner_hides_a_window_once_it_closes(page, demo_site_url):
    page.clock.set_fixed_time(datetime.fromisoformat("2026-11-24T10:00:00+08:00"))
    page.goto(f"{demo_site_url}/guide/")
    publicity = page.locator(".award-banner__item", has_text="拟奖名单公示")
    assert publicity.is_visible()
    page.clock.set_fixed_time(datetime.fromisoformat("2026-11-28T00:00:01+08:00"))
    page.reload()
    assert publicity.count() == 1 and not publicity.is_visible()
    assert page.locator("[data-award-demo]").is_visible()  # the demo ribbon stays
