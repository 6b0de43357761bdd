"""In headless Chromium: a person files an objection with a file, the secretariat replies
through the admin API, and the person reads the reply on the follow-up page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.factories import (
    ANSWER,
    ID_NUMBER,
    NOTICE,
    NOW,
    OBJECTION_SETTINGS,
    PDF,
    Clock,
    site_service,
)
from vote_api.core.auth import create_token
from vote_api.core.state import core_state

pytestmark = pytest.mark.browser

REPLY = "经核查，异议所反映的安全生产事故属实，已取消该单位的拟奖资格。感谢您的监督。"


def _server(tmp_path: Path, demo_dir: Path, demo_site: Path, live_server: Any) -> tuple[Any, Any]:
    app = site_service(tmp_path, demo_dir, demo_site, **OBJECTION_SETTINGS)
    return app, live_server(app)


def test_browser_objection_filed_answered_and_followed_up(
    page: Any, tmp_path: Path, demo_dir: Path, demo_site: Path, live_server: Any
) -> None:
    app, server = _server(tmp_path, demo_dir, demo_site, live_server)

    # From the notice page, the "提出异议" button opens the form for that notice.
    page.goto(f"{server.url}/notices/{NOTICE}/")
    page.get_by_role("link", name="提出异议").click()
    page.wait_for_url(f"**/objection/?notice={NOTICE}")
    page.wait_for_selector("#objection-form:not([hidden])")
    assert "拟奖名单公示" in page.inner_text("#objection-notice-title")
    assert "2026年11月23日至11月27日" in page.inner_text("#objection-window")
    page.wait_for_selector("#objection-captcha-image:not([hidden])")

    page.get_by_label("被异议的申报主体（必填）").select_option("E05")
    page.get_by_label("近3年发生安全生产较大及以上级别责任事故").check()
    page.get_by_label("异议的事实与理由（必填）").fill(
        "该单位2025年6月发生较大安全生产责任事故，应急管理部门已作出行政处罚，见附件。"
    )
    page.get_by_label("姓名（必填）").fill("王公众")
    # A client-side hint first: a wrong check digit is caught before anything is sent.
    page.get_by_label("证件号码（必填）").fill("110105194912310021")
    page.get_by_label("手机号码（必填）").fill("13700001111")
    page.get_by_label("选择文件").set_input_files(
        files=[{"name": "处罚决定书.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("验证码（必填）").fill(ANSWER)
    page.get_by_role("button", name="提交异议").click()
    errors = page.locator("#objection-errors")
    errors.wait_for()
    assert "校验位" in errors.inner_text()

    page.get_by_label("证件号码（必填）").fill(ID_NUMBER)
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_selector("#objection-done:not([hidden])")
    case_number = page.inner_text("#objection-case-number").strip()
    key = page.inner_text("#objection-key").strip()
    assert case_number.startswith("26-") and len(key) == 23

    # The secretariat reviews the case and replies through the admin API.
    with core_state(app).db.session() as session:
        token = create_token(session, "secretariat", NOW)
    admin = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url, headers=admin) as client:
        detail = client.get(f"/api/admin/objections/{case_number}").json()
        assert detail["reporter"]["name"] == "王公众" and detail["entrant_id"] == "E05"
        [evidence] = detail["files"]
        assert (
            client.get(f"/api/admin/objections/{case_number}/files/{evidence['id']}").content == PDF
        )
        for step in (
            {"to": "under_review", "note": "转核查"},
            {"to": "upheld", "note": "查实", "reply": REPLY},
        ):
            response = client.post(f"/api/admin/objections/{case_number}/transitions", json=step)
            assert response.status_code == 200, response.text

    # The person reads the reply on the follow-up page.
    page.get_by_role("link", name="异议查询").last.click()
    page.wait_for_url("**/follow-up/**")
    assert page.get_by_label("案件编号").input_value() == case_number
    page.get_by_label("查询密钥").fill(key)
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("#follow-up-result:not([hidden])")
    assert page.inner_text("#follow-up-status") == "异议成立"
    assert page.inner_text("#follow-up-reply") == REPLY
    assert "演示" in page.inner_text("#follow-up-entrant")

    # A wrong key shows the same message as an unknown case.
    page.get_by_label("查询密钥").fill("AAAAA-AAAAA-AAAAA-AAAAA")
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("#follow-up-errors:not([hidden])")
    assert "没有找到该案件" in page.inner_text("#follow-up-errors")


def test_browser_form_outside_the_window_says_when(
    page: Any, tmp_path: Path, demo_dir: Path, demo_site: Path, live_server: Any
) -> None:
    from datetime import datetime

    from award.moments import SHANGHAI

    after = Clock(datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI))
    server = live_server(site_service(tmp_path, demo_dir, demo_site, after, **OBJECTION_SETTINGS))
    page.goto(f"{server.url}/objection/?notice={NOTICE}")
    closed = page.locator("#objection-closed")
    closed.wait_for()
    assert "2026年11月23日至11月27日" in closed.inner_text()
    assert "已经结束" in closed.inner_text()
    assert page.locator("#objection-form").is_hidden()
