"""The phone ballot in Chromium: three numbered steps, one human check, focus on each error.

Step one: the number and one captcha; step two: the SMS code; step three: the choice and
the vote (no captcha: the verified number stands in for it). The current step is marked
with aria-current="step" and announced; after a refusal focus goes to the field to fix;
nothing is replaced unasked, and no Tab stop is invisible.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.factories import IMAGE_ANSWER, SERVICE, site_service
from tests.voting.test_vote_browser import RECEIPT

pytestmark = pytest.mark.browser

CURRENT_STEP = ".vote-steps [aria-current=step]"


@pytest.fixture
def site_url(tmp_path: Path, demo_dir: Path, demo_site: Path, live_server: Any) -> str:
    """The built demo site and the vote service from one app, as ./run.sh serves them."""
    return live_server(site_service(tmp_path, demo_dir, demo_site)).url


def phone_ballot(page: Any, site_url: str) -> Any:
    page.goto(f"{site_url}/vote/")
    section = page.locator(f"#ballot-{SERVICE}")
    section.locator(CURRENT_STEP).wait_for()
    return section


def focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def send_code(section: Any, number: str = "139 1234 5678", answer: str = IMAGE_ANSWER) -> None:
    step = section.locator(".vote-phone")
    step.get_by_label("手机号码").fill(number)
    step.locator("img.vote-captcha__image").wait_for()
    step.get_by_label("输入验证码").fill(answer)
    step.get_by_role("button", name="获取短信验证码").click()


def test_phone_vote_in_three_steps_with_one_captcha(page: Any, site_url: str) -> None:
    asked: list[str] = []
    page.on(
        "request",
        lambda request: (
            asked.append(request.post_data or "") if request.url.endswith("/api/captchas") else None
        ),
    )
    section = phone_ballot(page, site_url)
    steps = section.locator(".vote-steps li")
    assert [t.split("：")[0] for t in steps.all_inner_texts()] == ["第一步", "第二步", "第三步"]
    assert section.locator(CURRENT_STEP).inner_text().startswith("第一步")
    announced = section.locator(".vote-steps__now")
    assert announced.get_attribute("aria-live") == "polite"
    assert "第一步" in announced.inner_text()
    assert section.locator(".vote-form .vote-captcha").count() == 0  # the vote has none
    assert section.get_by_role("button", name="投票", exact=True).is_disabled()

    send_code(section)
    shown = section.get_by_text("本次验证码：")
    shown.wait_for()
    assert section.locator(CURRENT_STEP).inner_text().startswith("第二步")
    assert "第二步" in announced.inner_text()
    code_box = section.get_by_label("短信验证码（6 位数字）")
    assert focused_id(page) == code_box.get_attribute("id")
    # Nothing replaced unasked: the used captcha is put away, not swapped for a new one.
    assert not section.locator(".vote-phone .vote-captcha").is_visible()
    assert section.locator("img.vote-captcha__image:visible").count() == 0
    code = re.search(r"\d{6}", shown.inner_text())
    assert code is not None
    code_box.fill(code.group(0))
    section.get_by_role("button", name="验证手机号码").click()
    section.get_by_text("已验证").wait_for()
    assert section.locator(CURRENT_STEP).inner_text().startswith("第三步")
    assert "第三步" in announced.inner_text()

    form = section.locator(".vote-form")
    assert "第三步" in form.locator("legend").first.inner_text()
    form.locator("input[type=radio]").first.check()
    assert form.locator(".vote-captcha").count() == 0
    form.get_by_role("button", name="投票", exact=True).click()
    message = form.locator(".vote-message")
    message.get_by_text("投票成功").wait_for()
    assert RECEIPT.search(message.inner_text())
    assert len(asked) == 1 and '"sms"' in asked[0]  # one human check for the whole vote

    page.reload()  # the verified number has voted: said at once, step three, no form to fill
    again = page.locator(f"#ballot-{SERVICE}")
    again.get_by_text("已经").wait_for()
    assert again.locator(CURRENT_STEP).inner_text().startswith("第三步")
    assert again.locator(".vote-phone").is_hidden()


def test_phone_steps_focus_the_first_error(page: Any, site_url: str) -> None:
    section = phone_ballot(page, site_url)
    step = section.locator(".vote-phone")
    number = step.get_by_label("手机号码")
    step.get_by_role("button", name="获取短信验证码").click()
    step.locator(".vote-message--error").get_by_text("请输入手机号码").wait_for()
    assert focused_id(page) == number.get_attribute("id")
    assert number.get_attribute("aria-invalid") == "true"

    send_code(section, number="1391234567")  # one digit short: refused before the captcha
    step.get_by_text("应为 11 位").wait_for()
    assert focused_id(page) == number.get_attribute("id")
    image = step.locator("img.vote-captcha__image").get_attribute("src")
    assert step.get_by_label("输入验证码").input_value() == IMAGE_ANSWER  # still good, kept

    send_code(section, answer="WRONG")
    step.get_by_text("验证码不正确").wait_for()
    answer = step.get_by_label("输入验证码")
    assert focused_id(page) == answer.get_attribute("id")
    page.wait_for_function(
        "([sel, old]) => { const i = document.querySelector(sel); return i && i.src !== old; }",
        arg=[f"#ballot-{SERVICE} .vote-phone img.vote-captcha__image", image],
    )  # used up, so replaced: and the message says so
    assert "已换一张新的验证码" in step.locator(".vote-message").inner_text()

    send_code(section)
    code_box = section.get_by_label("短信验证码（6 位数字）")
    code_box.wait_for()
    code_box.fill("12345")
    section.get_by_role("button", name="验证手机号码").click()
    section.get_by_text("6 位数字验证码").wait_for()
    assert focused_id(page) == code_box.get_attribute("id")


def test_phone_ask_again_returns_to_step_one_with_a_new_captcha(page: Any, site_url: str) -> None:
    page.clock.install()
    section = phone_ballot(page, site_url)
    send_code(section)
    section.get_by_text("本次验证码：").wait_for()
    again = section.get_by_role("button", name=re.compile("重新获取"))
    assert again.is_disabled()  # paced: the number may ask again after 60 s
    page.clock.run_for(61_000)
    again.click()
    assert section.locator(CURRENT_STEP).inner_text().startswith("第一步")
    step = section.locator(".vote-phone")
    step.locator("img.vote-captcha__image").wait_for()
    assert focused_id(page) == step.get_by_label("输入验证码").get_attribute("id")
    assert step.get_by_label("手机号码").input_value() == "139 1234 5678"


def test_vote_page_has_no_invisible_tab_stop(page: Any, site_url: str) -> None:
    phone_ballot(page, site_url)
    page.locator("#vote-app:not([aria-busy])").wait_for(state="attached")
    invisible: list[str] = []
    seen = 0
    for _ in range(250):
        page.keyboard.press("Tab")
        found = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return null;
                const box = el.getBoundingClientRect();
                const style = getComputedStyle(el);
                const shown = box.width >= 2 && box.height >= 2 && style.visibility === "visible"
                  && Number(style.opacity) > 0;
                return { shown, what: el.outerHTML.slice(0, 120),
                         inApp: !!el.closest("#vote-app") };
            }"""
        )
        if found is None:
            continue
        if found["inApp"]:
            seen += 1
            if not found["shown"]:
                invisible.append(found["what"])
    assert seen >= 10  # the walk went through the ballots
    assert invisible == []
