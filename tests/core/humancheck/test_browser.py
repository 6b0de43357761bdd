"""In headless Chromium: the vote and objection pages with a vendor's check configured load
that vendor's script (here a stand-in served for its real address, so the page's CSP is what
allows it), pass its widget, and the service verifies the token at the local fake."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.conftest import OBJECTION_SETTINGS
from tests.core.humancheck.vendors import (
    ALIYUN_SCENE,
    aliyun_answer,
    aliyun_settings,
    tencent_answer,
    tencent_settings,
)
from tests.factories import CULTURE, ID_NUMBER, NOTICE, PDF, SERVICE, site_service
from tests.voting.sms.fake_endpoint import FakeEndpoint, Reply

pytestmark = pytest.mark.browser

TENCENT_SCRIPT = "https://turing.captcha.qcloud.com/TCaptcha.js"
ALIYUN_SCRIPT = "https://o.alicdn.com/captcha-frontend/aliyunCaptcha/AliyunCaptcha.js"
#: Stand-ins for the vendors' widgets: each passes at once with a token of its own.
FAKE_TENCENT = """window.TencentCaptcha = function (appId, callback) {
  this.show = function () { window.shownFor = appId;
    setTimeout(function () { callback({ ret: 0, ticket: "tr03-browser", randstr: "@b1r" }); }, 10); };
};"""
FAKE_ALIYUN = """window.initAliyunCaptcha = function (options) {
  window.aliyunScene = options.SceneId;
  document.querySelector(options.button).addEventListener("click", function () {
    setTimeout(function () { options.success('{"certifyId":"browser-param"}'); }, 10);
  });
};"""


@pytest.fixture
def vendor_page(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page whose requests to the vendors' script addresses get the stand-ins; any other
    request to another host is refused and noted."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    outside: list[str] = []
    loaded: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        elif url in (TENCENT_SCRIPT, ALIYUN_SCRIPT):
            loaded.append(url)
            body = FAKE_TENCENT if url == TENCENT_SCRIPT else FAKE_ALIYUN
            route.fulfill(status=200, content_type="text/javascript", body=body)
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    yield page, loaded
    context.close()
    assert not outside, f"the page tried to load from another host: {outside}"


def test_browser_a_vote_with_tencent_s_check(
    vendor_page: tuple[Any, list[str]],
    tmp_path: Path,
    demo_dir: Path,
    demo_site: Path,
    live_server: Any,
    endpoint: FakeEndpoint,
) -> None:
    page, loaded = vendor_page
    endpoint.reply = Reply(body=tencent_answer(1))
    app = site_service(tmp_path, demo_dir, demo_site, **tencent_settings(endpoint, "vote"))
    server = live_server(app)
    page.goto(f"{server.url}/vote/")
    section = page.locator(f"#ballot-{CULTURE}")
    section.wait_for()
    section.get_by_label("深圳示例图书馆（演示）").check()
    assert section.locator("img.vote-captcha__image").count() == 0
    section.get_by_role("button", name="投票", exact=True).click()
    section.get_by_text("请先点击“开始人机验证”").wait_for()
    section.get_by_role("button", name="开始人机验证").click()
    section.get_by_text("已通过人机验证").wait_for()
    section.get_by_role("button", name="投票", exact=True).click()
    section.get_by_text("投票成功").wait_for()
    assert loaded == [TENCENT_SCRIPT]
    [asked] = endpoint.received
    assert (asked.json()["Ticket"], asked.json()["Randstr"]) == ("tr03-browser", "@b1r")
    # Pages that run no vendor's check load nothing from it.
    page.goto(f"{server.url}/")
    page.goto(f"{server.url}/objection/?notice={NOTICE}")
    page.wait_for_selector("#objection-captcha-image:not([hidden])")
    assert loaded == [TENCENT_SCRIPT]


def test_browser_an_objection_with_alibaba_s_check(
    vendor_page: tuple[Any, list[str]],
    tmp_path: Path,
    demo_dir: Path,
    demo_site: Path,
    live_server: Any,
    endpoint: FakeEndpoint,
) -> None:
    page, loaded = vendor_page
    endpoint.reply = Reply(body=aliyun_answer(True, "T001"))
    settings = {**OBJECTION_SETTINGS, **aliyun_settings(endpoint, "objection")}
    server = live_server(site_service(tmp_path, demo_dir, demo_site, **settings))
    page.goto(f"{server.url}/objection/?notice={NOTICE}")
    page.wait_for_selector("#objection-form:not([hidden])")
    assert page.locator("#objection-captcha-answer").is_hidden()
    page.get_by_label("被异议的申报主体（必填）").select_option("E05")
    page.get_by_label("近3年发生安全生产较大及以上级别责任事故").check()
    page.get_by_label("异议的事实与理由（必填）").fill(
        "该单位2025年6月发生较大安全生产责任事故，应急管理部门已作出行政处罚，见附件。"
    )
    page.get_by_label("姓名（必填）").fill("王公众")
    page.get_by_label("证件号码（必填）").fill(ID_NUMBER)
    page.get_by_label("手机号码（必填）").fill("13700001111")
    page.get_by_label("选择文件").set_input_files(
        files=[{"name": "处罚决定书.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="提交异议").click()
    page.locator("#objection-errors").get_by_text("人机验证").wait_for()
    page.get_by_role("button", name="开始人机验证").click()
    page.get_by_text("已通过人机验证").wait_for()
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_selector("#objection-done:not([hidden])")
    assert loaded == [ALIYUN_SCRIPT]
    assert page.evaluate("window.aliyunScene") == ALIYUN_SCENE
    [asked] = endpoint.received
    form = parse_qs(asked.body.decode())
    assert form["CaptchaVerifyParam"] == ['{"certifyId":"browser-param"}']


def test_browser_a_phone_vote_whose_sms_send_is_guarded_by_tencent_s_check(
    vendor_page: tuple[Any, list[str]],
    tmp_path: Path,
    demo_dir: Path,
    demo_site: Path,
    live_server: Any,
    endpoint: FakeEndpoint,
) -> None:
    """The phone ballot's three steps with a vendor's check in step one: a refusal marks and
    focuses the check's button (no script error), the check passes, the code, then the vote."""
    page, loaded = vendor_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    endpoint.reply = Reply(body=tencent_answer(1))
    app = site_service(tmp_path, demo_dir, demo_site, **tencent_settings(endpoint, "sms"))
    page.goto(f"{live_server(app).url}/vote/")
    section = page.locator(f"#ballot-{SERVICE}")
    section.locator(".vote-steps [aria-current=step]").wait_for()
    step = section.locator(".vote-phone")
    step.get_by_label("手机号码").fill("139 1234 5678")
    step.get_by_role("button", name="获取短信验证码").click()
    step.get_by_text("请先点击“开始人机验证”").first.wait_for()
    check = step.get_by_role("button", name="开始人机验证")
    assert check.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.textContent") == "开始人机验证"
    check.click()
    step.get_by_text("已通过人机验证").wait_for()
    step.get_by_role("button", name="获取短信验证码").click()
    shown = section.get_by_text("本次验证码：")
    shown.wait_for()
    code = re.search(r"\d{6}", shown.inner_text())
    assert code is not None
    section.get_by_label("短信验证码（6 位数字）").fill(code.group(0))
    section.get_by_role("button", name="验证手机号码").click()
    section.get_by_text("已验证").wait_for()
    form = section.locator(".vote-form")
    form.locator("input[type=radio]").first.check()
    form.get_by_role("button", name="投票", exact=True).click()
    form.locator(".vote-message").get_by_text("投票成功").wait_for()
    assert loaded == [TENCENT_SCRIPT]
    [asked] = endpoint.received  # one check for the whole phone vote, at the SMS send
    assert asked.json()["Ticket"] == "tr03-browser"
    assert errors == []
