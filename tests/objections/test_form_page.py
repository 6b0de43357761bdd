"""The objection form keeps the reporter's work: linked error summary, one file removed, a
Hong Kong permit and number accepted, a summary of what was sent, a copy button that says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.factories import ANSWER, NOTICE, NOW, OBJECTION_SETTINGS, PDF, PNG, site_service

pytestmark = pytest.mark.browser


@pytest.fixture
def form_url(tmp_path: Path, demo_dir: Path, demo_site: Path, live_server: Any) -> str:
    """The objection form of the open demo publicity, served with the service."""
    app = site_service(tmp_path, demo_dir, demo_site, **OBJECTION_SETTINGS)
    return f"{live_server(app).url}/objection/?notice={NOTICE}"


def test_form_error_summary_links_to_fields_and_clears_as_they_are_fixed(
    page: Any, form_url: str
) -> None:
    page.goto(form_url)
    page.wait_for_selector("#objection-captcha-image:not([hidden])")
    page.get_by_role("button", name="提交异议").click()
    errors = page.locator("#objection-errors")
    errors.wait_for()
    assert not any(word in errors.inner_text() for word in ("name", "phone", "captcha"))
    link = errors.get_by_role("link", name="姓名：必须填写")
    link.click()
    assert page.evaluate("document.activeElement.id") == "objection-name"
    page.keyboard.type("王公众")
    assert errors.get_by_text("姓名：必须填写").count() == 0
    assert page.locator("#objection-name").get_attribute("aria-invalid") is None
    assert errors.is_visible()  # the other problems remain listed


def test_form_files_with_a_hong_kong_permit_after_removing_one_file(
    page: Any, form_url: str
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(form_url)
    page.wait_for_selector("#objection-captcha-image:not([hidden])")
    page.get_by_label("被异议的申报主体（必填）").select_option("E05")
    page.locator("#objection-reasons input[type=checkbox]").first.check()
    page.get_by_label("异议的事实与理由（必填）").fill(
        "该单位2025年6月发生较大安全生产责任事故，已受行政处罚。"
    )
    page.get_by_label("姓名（必填）").fill("陳市民")
    page.get_by_label("证件类型（必填）").select_option("hk_macao_permit")
    assert "H12345678" in page.inner_text("#objection-id-hint")
    page.get_by_label("证件号码（必填）").fill("X1234")
    page.get_by_label("手机号码（必填）").fill("+852 9123 4567")
    page.get_by_label("选择文件").set_input_files(
        files=[
            {"name": "处罚决定书.pdf", "mimeType": "application/pdf", "buffer": PDF},
            {"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG},
        ]
    )
    files = page.locator("#objection-evidence-list li")
    assert files.count() == 2
    page.get_by_role("button", name="移除 现场照片.png").click()
    assert files.count() == 1 and "处罚决定书.pdf" in files.inner_text()
    page.get_by_label("验证码（必填）").fill(ANSWER)
    page.get_by_role("button", name="提交异议").click()
    errors = page.locator("#objection-errors")
    errors.wait_for()
    assert "港澳居民来往内地通行证号码" in errors.inner_text()

    page.get_by_label("证件号码（必填）").fill("H12345678")
    assert errors.is_hidden()  # fixed, so the summary is gone
    page.get_by_role("button", name="提交异议").click()
    done = page.locator("#objection-done")
    done.wait_for()
    summary = page.inner_text("#objection-summary")
    assert "处罚决定书.pdf" in summary and "现场照片.png" not in summary
    assert "港澳居民来往内地通行证" in summary and "H12345678" not in summary
    page.get_by_role("button", name="复制案件编号和查询密钥").click()
    page.get_by_text("已复制案件编号和查询密钥").wait_for()
    case_number = page.inner_text("#objection-case-number").strip()
    assert case_number in page.evaluate("navigator.clipboard.readText()")


def test_objection_page_without_a_notice_lists_the_publicities_open_now(
    page: Any, form_url: str
) -> None:
    page.clock.set_fixed_time(NOW)
    page.goto(form_url.split("?")[0])
    missing = page.locator("#objection-missing")
    missing.wait_for()
    link = missing.locator(".award-open-publicities__item a").first
    assert link.is_visible() and "拟奖名单公示" in link.inner_text()
    link.click()
    page.wait_for_selector("#objection-form:not([hidden])")
    assert NOTICE in page.url
