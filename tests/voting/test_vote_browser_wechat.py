"""The WeChat ballot in Chromium: inside WeChat, authorise and vote in two steps; elsewhere,
a QR code of the page to open it in WeChat (drawn by the service, nothing from another host)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.factories import CULTURE, ballot_variant, site_service
from tests.voting.test_vote_browser import RECEIPT
from tests.voting.test_wechat import IN_WECHAT
from tests.voting.wechat_fake import APP_ID, APP_SECRET, FakeWechat

pytestmark = pytest.mark.browser

CURRENT_STEP = ".vote-steps [aria-current=step]"


@pytest.fixture
def site_url(tmp_path: Path, demo_dir: Path, demo_site: Path, live_server: Any) -> str:
    """The demo site, its culture ballot a WeChat one, the service pointed at a fake WeChat."""
    fake = live_server(FakeWechat().app())
    content = ballot_variant(demo_dir, tmp_path / "content", CULTURE, identity="wechat")
    app = site_service(
        tmp_path,
        content,
        demo_site,
        wechat_app_id=APP_ID,
        wechat_app_secret=APP_SECRET,
        wechat_authorize_url=f"{fake.url}/connect/oauth2/authorize",
        wechat_api_url=fake.url,
    )
    return live_server(app).url


@pytest.fixture
def wechat_page(browser: Any) -> Iterator[Any]:
    """A page of WeChat's own browser (its User-Agent), kept to this machine."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", user_agent=IN_WECHAT)
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("http://127.0.0.1", "data:"))
            else route.abort()
        ),
    )
    yield context.new_page()
    context.close()


def test_wechat_ballot_inside_wechat_authorise_then_vote(wechat_page: Any, site_url: str) -> None:
    page = wechat_page
    page.goto(f"{site_url}/vote/#ballot-{CULTURE}")
    section = page.locator(f"#ballot-{CULTURE}")
    section.locator(CURRENT_STEP).wait_for()
    assert section.locator(CURRENT_STEP).inner_text().startswith("第一步")
    assert section.get_by_role("button", name="投票", exact=True).is_disabled()
    section.get_by_role("link", name="在微信中确认身份").click()
    page.wait_for_url(f"**/vote/#ballot-{CULTURE}")
    section = page.locator(f"#ballot-{CULTURE}")
    section.get_by_text("已在微信中确认身份").wait_for()
    assert section.locator(CURRENT_STEP).inner_text().startswith("第二步")
    assert section.locator(".vote-captcha").count() == 0
    section.locator(".vote-form input[type=radio]").first.check()
    section.get_by_role("button", name="投票", exact=True).click()
    message = section.locator(".vote-form .vote-message")
    message.get_by_text("投票成功").wait_for()
    assert RECEIPT.search(message.inner_text())


def test_wechat_ballot_elsewhere_shows_a_qr_code_of_the_page(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/vote/")
    section = page.locator(f"#ballot-{CULTURE}")
    section.locator(CURRENT_STEP).wait_for()
    assert "在微信中" in section.locator(".vote-wechat").inner_text()
    assert section.get_by_role("link", name="在微信中确认身份").count() == 0
    image = section.locator("img.vote-qr")
    image.wait_for()
    page.wait_for_function(
        f"document.querySelector('#ballot-{CULTURE} img.vote-qr').naturalWidth > 0"
    )
    assert f"#ballot-{CULTURE}" in (image.get_attribute("alt") or "")
