"""Lists and notices as a person sees them in Chromium: a phone, a laptop, and on paper."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser
PUBLICITY = "2026-11-23-publicity"


def test_phone_shows_each_entrant_as_a_card_without_sideways_scrolling(page: Any, demo_site_url):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{demo_site_url}/awards/2026/")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    row = page.locator("table.award-list tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "grid"
    name = row.locator('td[data-label="申报主体"]')
    box = name.bounding_box()
    assert box["width"] > 200  # a readable line, never one character per line
    line_height = float(name.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    assert box["height"] < 3 * line_height
    kind = row.locator('td[data-label="类型"]')
    assert kind.evaluate("e => getComputedStyle(e, '::before').content") == '"类型："'


def test_laptop_short_columns_never_wrap(page: Any, demo_site_url):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{demo_site_url}/awards/2026/")
    for label in ("序号", "类型", "等次"):
        header = page.locator("table.award-list thead th", has_text=label).first
        if header.count():
            height = header.bounding_box()["height"]
            first_row = page.locator("table.award-list thead th").first.bounding_box()["height"]
            assert height <= first_row + 1, label
    cell = page.locator('table.award-list td[data-label="序号"]').first
    assert cell.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    assert cell.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"


def test_notice_prints_with_site_header_bordered_tables_and_no_buttons(page: Any, demo_site_url):
    page.goto(f"{demo_site_url}/notices/{PUBLICITY}/")
    assert page.get_by_role("button", name="打印本公告").is_visible()
    page.emulate_media(media="print")
    header = page.locator(".award-print-header")
    assert header.is_visible() and "深圳市市长质量奖" in header.inner_text()
    assert f"/notices/{PUBLICITY}/" in header.inner_text()
    for hidden in (".md-header", ".md-sidebar--primary", ".md-footer", ".award-notice__tools"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert not page.get_by_role("link", name="提出异议").is_visible()
    signature = page.locator(".award-notice__signature")
    assert signature.is_visible() and "2026年11月23日" in signature.inner_text()
    cell = page.locator("table.award-list td").first
    assert cell.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
