"""The year page on a phone: at most 10 screens before the folded lists are opened; an address
naming a stage opens its list and lands on it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.site.accessibility import VIEWPORTS

pytestmark = pytest.mark.browser

MAX_SCREENS = 10


def test_year_page_fits_ten_phone_screens_until_lists_are_opened(
    page: Any, demo_site_url: str
) -> None:
    width, height = VIEWPORTS["phone"]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{demo_site_url}/awards/demo-2026/")
    folded = page.evaluate("document.querySelectorAll('details.award-stage:not([open])').length")
    assert folded >= 5
    screens = page.evaluate("document.documentElement.scrollHeight") / height
    assert screens <= MAX_SCREENS, screens
    assert page.locator("details.award-stage").first.get_attribute("open") is not None
    page.locator("details.award-stage summary").nth(1).click()
    assert page.evaluate("document.documentElement.scrollHeight") / height > screens


def test_an_address_naming_a_stage_opens_its_list(page: Any, demo_site_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{demo_site_url}/awards/demo-2026/#stage-acceptance")
    stage = page.locator("#stage-acceptance + details.award-stage")
    page.wait_for_function(
        "() => document.querySelector('#stage-acceptance + details').open === true"
    )
    assert stage.locator("table.award-list").first.is_visible()
    top = page.evaluate("document.getElementById('stage-acceptance').getBoundingClientRect().top")
    assert 0 <= top < 200
