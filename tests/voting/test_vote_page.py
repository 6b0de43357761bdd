"""The vote page explains itself: keyboard-only voting, the receipt kept, checked in the browser."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from award.moments import SHANGHAI
from tests.factories import CULTURE, ECOLOGY, IMAGE_ANSWER, NOW, Clock, site_service

pytestmark = pytest.mark.browser
RECEIPT = re.compile(r"[ACDEFHJKMNPRTUVWXY3479]{4}(?:-[ACDEFHJKMNPRTUVWXY3479]{4}){3}")
#: After the culture ballot closes (2026-11-30 17:00).
AFTER_CLOSE = datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def served(tmp_path: Path, demo_dir: Path, demo_site: Path, live_server: Any) -> tuple[str, Clock]:
    """The demo site and the service from one app, with a clock the test can move."""
    clock = Clock(NOW)
    return live_server(site_service(tmp_path, demo_dir, demo_site, clock)).url, clock


def _focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return { tag: e.tagName, type: e.type || '', id: e.id || '',"
        " text: (e.labels && e.labels[0] ? e.labels[0].innerText : e.innerText || '') }; }"
    )


def _tab_to(page: Any, wanted: Any, limit: int = 120) -> dict[str, str]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if wanted(focused):
            return focused
    raise AssertionError("the keyboard never reached the element")


def vote_by_keyboard(page: Any) -> Any:
    """Vote in the culture ballot with the keyboard alone; return the ballot section."""
    section = page.locator(f"#ballot-{CULTURE}")
    section.wait_for()
    _tab_to(page, lambda f: f["type"] == "radio" and "图书馆" in f["text"])
    page.keyboard.press("Space")
    section.locator("img.vote-captcha__image").wait_for()
    _tab_to(page, lambda f: f["id"].startswith("captcha-answer"))
    page.keyboard.type(IMAGE_ANSWER.lower())
    page.keyboard.press("Enter")
    section.locator(".vote-message--success").wait_for()
    return section


def test_vote_page_keyboard_only_vote_moves_focus_to_the_receipt(page: Any, served) -> None:
    url, _ = served
    page.goto(f"{url}/vote/")
    section = vote_by_keyboard(page)
    message = section.locator(".vote-message--success")
    assert page.evaluate("() => document.activeElement.classList.contains('vote-message')")
    assert RECEIPT.fullmatch(message.locator(".vote-receipt").inner_text())
    # After voting the captcha and the vote button are gone; the choices are locked.
    assert section.locator(".vote-captcha").count() == 0
    assert section.get_by_role("button", name="投票", exact=True).count() == 0
    assert section.locator("input[type=radio]").first.is_disabled()


def test_vote_page_receipt_can_be_copied_and_saved(page: Any, served) -> None:
    url, _ = served
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{url}/vote/")
    section = vote_by_keyboard(page)
    receipt = section.locator(".vote-receipt").inner_text()
    section.get_by_role("button", name="复制回执码").click()
    section.get_by_text("已复制回执码").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()") == receipt
    with page.expect_download() as download:
        section.get_by_role("button", name="保存为文件").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert receipt in saved and download.value.suggested_filename.endswith(".txt")


def test_vote_page_finds_the_receipt_in_the_published_digests(page: Any, served) -> None:
    url, clock = served
    page.goto(f"{url}/vote/")
    receipt = vote_by_keyboard(page).locator(".vote-receipt").inner_text()

    clock.moment = AFTER_CLOSE
    page.goto(f"{url}/vote/")
    page.locator(f"#ballot-{CULTURE} .vote-chart").wait_for()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.get_by_label("在公布的结果中查找我的选票").fill(receipt.lower().replace("-", ""))
    page.get_by_role("button", name="查找").click()
    result = page.locator("#verify-result")
    result.get_by_text("找到了这张选票").wait_for()
    assert "深圳示例图书馆（演示）" in result.inner_text()
    assert not any(receipt.replace("-", "") in r.replace("-", "").upper() for r in requests)

    page.get_by_label("在公布的结果中查找我的选票").fill("ACDE-FHJK-MNPR-TUVW")
    page.get_by_role("button", name="查找").click()
    result.get_by_text("没有找到这张选票").wait_for()


def test_vote_page_closed_ballot_shows_results_first(page: Any, served) -> None:
    url, _ = served
    page.goto(f"{url}/vote/")
    section = page.locator(f"#ballot-{ECOLOGY}")
    section.locator(".vote-results h3").wait_for()
    order = section.evaluate(
        "(s) => [s.querySelector('.vote-results'), s.querySelector('.vote-facts')]"
        ".map(e => Array.prototype.indexOf.call(s.children, e))"
    )
    assert order[0] < order[1]


def test_vote_page_standing_says_already_voted_only_after_a_vote(page: Any, served) -> None:
    url, _ = served
    before = page.request.get(f"{url}/api/ballots/{CULTURE}/standing")
    assert before.ok and before.json()["voted"] is False
    page.goto(f"{url}/vote/")
    vote_by_keyboard(page)
    after = page.request.get(f"{url}/api/ballots/{CULTURE}/standing").json()
    assert after["voted"] is True and "今天已经" in after["message"]
