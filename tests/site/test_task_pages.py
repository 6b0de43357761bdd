"""A citizen's tasks end to end on a phone: every link to a ballot lands on it, the objection's
case number and key are in view and kept before leaving, a receipt checked while the vote is
open says it is recorded and when its digest is published."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import pytest

from tests.site.accessibility import VIEWPORTS
from tests.site.states import STATES
from tests.factories import NOW, SERVICE

pytestmark = pytest.mark.browser

#: Where the top of a ballot may land: below the sticky header, within this many pixels.
LANDING_SLACK = 40

_LANDING = """
(id) => {
  const header = document.querySelector(".md-header").getBoundingClientRect().bottom;
  const top = document.getElementById(id).getBoundingClientRect().top;
  return { header: header, top: top, focused: !!document.activeElement.closest("#" + id) };
}
"""


def _phone(page: Any) -> None:
    page.set_viewport_size(dict(zip(("width", "height"), VIEWPORTS["phone"], strict=True)))
    page.clock.set_fixed_time(NOW)


def _ballot_links(page: Any, url: str) -> set[str]:
    """Every link to a ballot on the home page (news and banner) and on the vote notice."""
    links: set[str] = set()
    page.goto(f"{url}/notices/")
    notice = page.locator("a[href*='social-evaluation']").first.get_attribute("href")
    for path in ("/", f"/notices/{notice}"):
        page.goto(urljoin(f"{url}/", path.lstrip("/")))
        for anchor in page.locator("a[href*='vote/']").all():
            links.add(urljoin(page.url, anchor.get_attribute("href")))
    return links


def test_every_link_to_a_ballot_lands_on_the_ballot_below_the_header(
    page: Any, site_url: str
) -> None:
    _phone(page)
    links = _ballot_links(page, site_url)
    targets = sorted(link for link in links if "#ballot-" in link)
    page.goto(f"{site_url}/")
    banner = page.locator(".award-banner__item a", has_text="投票").all()
    assert banner and all("#ballot-" in (a.get_attribute("href") or "") for a in banner)
    assert len(targets) == 5, targets  # three open, one upcoming, one closed
    for link in targets:
        ballot = link.split("#", 1)[1]
        page.goto(link)
        page.wait_for_function(
            "(id) => document.activeElement.closest('#' + id) !== null", arg=ballot, timeout=90_000
        )  # a generous wait: the page asks the service for every ballot first
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        where = page.evaluate(_LANDING, ballot)
        assert where["focused"], link
        assert where["header"] - 1 <= where["top"] <= where["header"] + LANDING_SLACK, (link, where)


def test_following_the_phone_ballot_from_the_home_page_lands_on_it(
    page: Any, site_url: str
) -> None:
    _phone(page)
    page.goto(f"{site_url}/")
    page.locator(f".award-home__windows a[href$='#ballot-{SERVICE}']").click()
    page.locator(f"#ballot-{SERVICE} .vote-phone input[type=tel]").wait_for()
    page.wait_for_load_state("networkidle")
    where = page.evaluate(_LANDING, f"ballot-{SERVICE}")
    assert where["header"] - 1 <= where["top"] <= where["header"] + LANDING_SLACK, where
    assert page.locator(f"#ballot-{SERVICE} input[type=tel]").is_visible()


def test_objection_case_number_and_key_in_view_kept_before_leaving(
    page: Any, site_url: str
) -> None:
    _phone(page)
    STATES["objection-success"](page, site_url)
    number = page.locator("#objection-case-number").inner_text()
    key = page.locator("#objection-key").inner_text()
    header = page.locator(".md-header").bounding_box()
    viewport = page.viewport_size
    for shown in ("#objection-case-number", "#objection-key"):
        box = page.locator(shown).bounding_box()
        assert box["y"] >= header["y"] + header["height"] - 1, (shown, box, header)
        assert box["y"] + box["height"] <= viewport["height"], (shown, box)

    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"] and not page.is_closed()

    with page.expect_download() as download:
        page.get_by_role("button", name="保存为文件").click()
    saved = download.value.path().read_text(encoding="utf-8-sig")
    assert number in saved and key in saved and "异议查询" in saved
    assert "已保存" in page.locator("#objection-copied").inner_text()
    page.close(run_before_unload=True)
    page.wait_for_event("close", timeout=5000)
    assert asked == ["beforeunload"]


def test_follow_up_key_is_typed_in_plain_text(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/follow-up/")
    assert page.locator("#follow-up-key").get_attribute("type") == "text"


def test_receipt_checked_while_the_vote_is_open_is_recorded_and_published_at_close(
    page: Any, site_url: str
) -> None:
    _phone(page)
    STATES["vote-success"](page, site_url)
    receipt = page.locator(".vote-receipt").inner_text()
    page.locator("#receipt-code").fill(receipt.lower().replace("-", ""))
    page.locator("#receipt-form button[type=submit]").click()
    result = page.locator("#receipt-result")
    result.filter(has_text="回执摘要").wait_for()
    text = result.inner_text()
    assert "已记录" in text and "投票截止后" in text and "回执摘要" in text, text
    assert "没有找到" not in text

    page.locator("#verify-code").fill(receipt)
    page.locator("#verify-form button[type=submit]").click()
    found = page.locator("#verify-result")
    found.filter(has_text="SHA-256").wait_for()
    text = found.inner_text()
    assert "投票截止后随结果公布" in text and "查询回执" in text, text
