"""The vote page in headless Chromium: a person votes, keeps the receipt, checks it, is refused again."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.factories import (
    CULTURE,
    ECOLOGY,
    IMAGE_ANSWER,
    MANAGEMENT,
    SOCIAL,
    site_service,
)

pytestmark = pytest.mark.browser
RECEIPT = re.compile(r"[ACDEFHJKMNPRTUVWXY3479]{4}(?:-[ACDEFHJKMNPRTUVWXY3479]{4}){3}")


@pytest.fixture
def site_url(tmp_path: Path, demo_dir: Path, demo_site: Path, live_server: Any) -> str:
    """The built demo site and the vote service from one app, as ./run.sh serves them."""
    return live_server(site_service(tmp_path, demo_dir, demo_site)).url


def ballot(page: Any, ballot_id: str) -> Any:
    section = page.locator(f"#ballot-{ballot_id}")
    section.wait_for()
    return section


def cast(page: Any, ballot_id: str, candidate: str) -> Any:
    """Pick a candidate, type the captcha, vote; return the ballot's message box."""
    section = ballot(page, ballot_id)
    section.get_by_label(candidate).check()
    section.locator("img.vote-captcha__image").wait_for()
    section.get_by_label("输入验证码").fill(IMAGE_ANSWER.lower())
    section.get_by_role("button", name="投票", exact=True).click()
    message = section.locator(".vote-form .vote-message")
    message.filter(has_not_text="正在提交").wait_for()
    return message


def test_vote_browser_vote_receipt_check_and_second_vote_refused(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/vote/")
    first = cast(page, CULTURE, "深圳示例图书馆（演示）")
    first.get_by_text("投票成功").wait_for()
    receipt = first.locator(".vote-receipt").inner_text()
    assert RECEIPT.fullmatch(receipt)
    assert "只显示这一次" in first.inner_text()

    page.get_by_label("回执码").fill(receipt.lower().replace("-", " "))
    page.get_by_role("button", name="查询").click()
    result = page.locator("#receipt-result")
    result.get_by_text("已记录并计入").wait_for()
    assert "回执摘要" in result.inner_text()

    page.reload()
    # Told before being asked for a captcha: the form offers none and no vote button.
    second = ballot(page, CULTURE).locator(".vote-form .vote-message")
    second.get_by_text("今天已经").wait_for()
    assert ballot(page, CULTURE).locator(".vote-captcha").count() == 0
    text = second.inner_text()
    assert "明天" in text and "每人每天可投一次" in text
    assert second.get_attribute("role") == "status"


def test_vote_browser_wrong_captcha_message_and_a_fresh_captcha(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/vote/")
    section = ballot(page, SOCIAL)
    section.get_by_label("示例社区服务中心（演示）").check()
    image = section.locator("img.vote-captcha__image")
    image.wait_for()
    first_image = image.get_attribute("src")
    section.get_by_label("输入验证码").fill("WRONG")
    section.get_by_role("button", name="投票", exact=True).click()
    section.get_by_text("验证码不正确").wait_for()
    page.wait_for_function(
        "([sel, old]) => { const i = document.querySelector(sel); return i && i.src !== old; }",
        arg=[f"#ballot-{SOCIAL} img.vote-captcha__image", first_image],
    )
    assert section.get_by_label("输入验证码").input_value() == ""
    answer_id = section.get_by_label("输入验证码").get_attribute("id")
    assert page.evaluate("document.activeElement.id") == answer_id  # focus on the error
    assert section.get_by_label("输入验证码").get_attribute("aria-invalid") == "true"


def test_vote_browser_checkboxes_stop_at_max_choices(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/vote/")
    section = ballot(page, SOCIAL)
    assert "最多选 2 个" in section.locator("legend").first.inner_text()
    boxes = section.locator("input[type=checkbox]")
    assert boxes.count() == 3
    boxes.nth(0).check()
    boxes.nth(1).check()
    boxes.nth(2).click()
    assert not boxes.nth(2).is_checked()
    section.get_by_text("最多选择 2 个").wait_for()


def test_vote_browser_audio_captcha_and_refresh(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/vote/")
    section = ballot(page, CULTURE)
    section.get_by_role("button", name="语音验证码").click()
    audio = section.locator("audio")
    audio.wait_for()
    assert audio.get_attribute("src").startswith("data:audio/wav;base64,")
    section.get_by_role("button", name="换一张").click()
    section.locator("img.vote-captcha__image").wait_for()
    assert section.locator("audio").count() == 0


def test_vote_browser_closed_ballot_shows_results_chart_and_upcoming_its_opening(
    page: Any, site_url: str
) -> None:
    page.goto(f"{site_url}/vote/")
    closed = ballot(page, ECOLOGY)
    closed.get_by_text("投票结果").wait_for()
    rows = closed.locator(".vote-chart__row")
    assert rows.count() == 3
    assert "0 票（0.0%）" in rows.first.inner_text()
    assert closed.locator("form").count() == 0
    upcoming = ballot(page, MANAGEMENT)
    assert "投票尚未开始，将于" in upcoming.inner_text()
    assert upcoming.locator("form").count() == 0


def test_vote_browser_open_ballot_shows_its_closing_time(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/vote/")
    section = ballot(page, CULTURE)
    assert re.search(r"投票截止：2026年11月\d+日 17:00（北京时间）", section.inner_text())


def test_vote_browser_every_control_labelled_and_messages_announced(
    page: Any, site_url: str
) -> None:
    page.goto(f"{site_url}/vote/")
    ballot(page, SOCIAL)
    page.locator("#vote-app:not([aria-busy])").wait_for(state="attached")
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('#vote-app input, #receipt-form input')]
              .filter(i => !(i.id && document.querySelector(`label[for="${i.id}"]`)))
              .map(i => i.outerHTML)"""
    )
    assert unlabelled == []
    fieldsets = page.locator("#vote-app fieldset")
    assert fieldsets.count() >= 4
    assert page.locator("#vote-app fieldset > legend").count() == fieldsets.count()
    live = page.locator("#vote-app .vote-form [aria-live=polite]")
    assert live.count() >= 2
    assert page.locator("#receipt-result").get_attribute("aria-live") == "polite"


def test_vote_browser_keyboard_only(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/vote/")
    section = ballot(page, CULTURE)
    radio_id = section.locator("input[type=radio]").first.get_attribute("id")
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == radio_id:
            break
    else:
        pytest.fail("Tab never reached the first candidate")
    page.keyboard.press("Space")
    assert section.locator("input[type=radio]").first.is_checked()
    section.locator("img.vote-captcha__image").wait_for()  # shown once the form has focus
    answer_id = section.get_by_label("输入验证码").get_attribute("id")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == answer_id:
            break
    page.keyboard.type(IMAGE_ANSWER)
    page.keyboard.press("Enter")
    section.get_by_text("投票成功").wait_for()
