"""In headless Chromium: a new person enrols from the QR page, signs in with password and
TOTP, handles an objection to its close (the reporter reads the reply), invalidates a vote
(the public results change) and signs out; the audit log shows every step under their name."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from tests.factories import CONSOLE_PDF, ECOLOGY, NAME, NOW, Console, make_console
from vote_api.console import accounts, totp
from vote_api.console.models import Role
from vote_api.core.audit import AuditEntry
from vote_api.core.qr import qr_svg
from vote_api.core.state import core_state
from vote_api.core.timeutil import to_db
from vote_api.voting.deps import voting_of
from vote_api.voting.models import Vote

pytestmark = pytest.mark.browser

REPLY = "经核查，异议所反映的安全生产事故属实，已取消该单位的拟奖资格。感谢您的监督。"
REASON = "同一设备在一分钟内连续投票，系刷票，予以作废"
SHOTS = os.environ.get("SZMQA_CONSOLE_SCREENSHOTS")


def shot(page: Any, name: str) -> None:
    """Keep a screenshot when SZMQA_CONSOLE_SCREENSHOTS names a folder."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def seed_closed_ballot(console: Console) -> list[int]:
    """Three votes in the closed ecology ballot: two for its first candidate, one for the second."""
    state = core_state(console.app)
    entry = voting_of(console.app).catalog.get(ECOLOGY)
    first, second = list(entry.candidates)[:2]
    with state.db.session() as session:
        for index, choice in enumerate((first, first, second)):
            session.add(
                Vote(
                    ballot_id=ECOLOGY,
                    voter_key=secrets.token_hex(16),
                    period_key="window",
                    choices=choice,
                    receipt_digest=secrets.token_hex(32),
                    created_at=to_db(entry.ballot.opens + timedelta(hours=1, minutes=index)),
                    address_key=secrets.token_hex(16),
                )
            )
        session.commit()
        return list(session.exec(select(Vote.id).where(Vote.ballot_id == ECOLOGY)).all())


def test_console_browser_enrol_sign_in_handle_objection_invalidate_vote_sign_out(
    page: Any, tmp_path: Path, demo_dir: Path, demo_site: Path, live_server: Any
) -> None:
    console = make_console(tmp_path, demo_dir, site_dir=demo_site)
    server = live_server(console.app)
    auditor = console.enrol("审计员", Role.OBSERVER)
    filed = console.file_objection()
    case_number, key = filed["case_number"], filed["key"]
    vote_ids = seed_closed_ballot(console)
    with core_state(console.app).db.session() as session:
        token = accounts.add_staff(session, "刘办理", Role.ADMIN, actor="szmqa staff", now=NOW)

    # Enrolment: the QR code is drawn on the server and carries the secret shown in text.
    page.goto(f"{server.url}/admin/enrol/{token}")
    secret = page.locator("#enrol-secret").get_attribute("data-secret")
    assert secret and len(secret) == 32
    assert page.inner_text("#enrol-secret").replace(" ", "") == secret
    drawn = page.locator("svg.console-qr path").get_attribute("d")
    expected = str(qr_svg(totp.provisioning_uri(secret, "刘办理")))
    assert drawn and f'd="{drawn}"' in expected
    shot(page, "01-enrol")
    page.get_by_label("设置密码").fill("秘书处工作台-2026-安全")
    page.get_by_label("再次输入密码").fill("秘书处工作台-2026-安全")
    page.get_by_label("验证器当前显示的6位数字").fill(totp.code_at(secret, console.clock()))
    page.get_by_role("button", name="完成设置").click()
    page.wait_for_url("**/admin/sign-in?done=enrolled")
    assert "设置完成" in page.inner_text("#console-done")

    # Sign in with password and a code of a later step (each code is accepted once).
    console.tick()
    page.get_by_label("账户名").fill("刘办理")
    page.get_by_label("密码").fill("秘书处工作台-2026-安全")
    page.get_by_label("动态验证码").fill(totp.code_at(secret, console.clock()))
    shot(page, "02-sign-in")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{server.url}/admin/")
    assert "刘办理（管理员）" in page.inner_text("#console-who")
    assert "1" in page.inner_text("#overview-cases")
    shot(page, "03-overview")

    # The objection: from the inbox to the case; personal data only after the reveal.
    page.get_by_role("link", name="异议案件").first.click()
    page.get_by_role("link", name=case_number).click()
    page.wait_for_url(f"**/admin/objections/{case_number}")
    assert NAME not in page.content()
    assert "安全生产" in page.inner_text("#case-statement")
    page.get_by_role("button", name="显示异议人信息").click()
    assert NAME in page.inner_text("#case-reporter")
    shot(page, "04-case-revealed")
    with page.expect_download() as download_info:
        page.locator("#case-files a").first.click()
    download = download_info.value
    assert download.suggested_filename == "处罚决定书.pdf"
    assert Path(download.path()).read_bytes() == CONSOLE_PDF

    page.get_by_role("button", name="改为“核查中”").click()
    assert page.inner_text("#case-status") == "核查中"
    # A decision without a reply is refused by the page before anything changes.
    decision = page.locator("#move-upheld")
    decision.get_by_label("给异议人的答复").fill(REPLY)
    decision.get_by_label("内部备注").fill("经应急管理局核实")
    decision.get_by_role("button", name="改为“异议成立”").click()
    assert page.inner_text("#case-status") == "异议成立"
    page.get_by_role("button", name="改为“已办结”").click()
    assert page.inner_text("#case-status") == "已办结"
    assert "刘办理" in page.inner_text("#case-history")
    shot(page, "05-case-closed")

    # The vote: invalidate one of the three, with a confirmation step.
    page.goto(f"{server.url}/admin/ballots/{ECOLOGY}")
    assert "计入票数的选票 3 张" in page.inner_text("#ballot-counted")
    form = page.locator("#invalidate-form")
    form.get_by_label("选票编号").fill(str(vote_ids[0]))
    form.get_by_label("作废理由").fill(REASON)
    form.get_by_role("button", name="下一步：确认").click()
    assert page.inner_text("#confirm-reason") == REASON
    shot(page, "06-confirm-invalidate")
    page.get_by_role("button", name="确认作废").click()
    page.wait_for_url(f"**/admin/ballots/{ECOLOGY}?done=invalidated")
    assert "计入票数的选票 2 张" in page.inner_text("#ballot-counted")
    shot(page, "07-ballot")

    page.goto(f"{server.url}/admin/audit?actor=刘办理")
    shot(page, "08-audit")
    page.goto(f"{server.url}/admin/staff")
    shot(page, "09-staff")
    page.goto(f"{server.url}/admin/")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/admin/sign-in?done=signed-out")
    page.goto(f"{server.url}/admin/objections")
    page.wait_for_url("**/admin/sign-in?next=/admin/objections")

    # The reporter reads the reply on the public follow-up page.
    page.goto(f"{server.url}/follow-up/?case={case_number}")
    page.get_by_label("查询密钥").fill(key)
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("#follow-up-result:not([hidden])")
    assert page.inner_text("#follow-up-status") == "已办结"
    assert page.inner_text("#follow-up-reply") == REPLY

    # The public results count two votes and list the invalidated one.
    page.goto(f"{server.url}/vote/")
    results = page.locator(f"#ballot-{ECOLOGY} .vote-results")
    results.get_by_text("另有 1 张被作废").wait_for()
    assert "计入票数的选票共 2 张" in results.inner_text()

    # Another person reads the audit log: every step under the handler's name.
    console.tick()
    page.goto(f"{server.url}/admin/sign-in")
    page.get_by_label("账户名").fill(auditor.name)
    page.get_by_label("密码").fill(auditor.password)
    page.get_by_label("动态验证码").fill(totp.code_at(auditor.secret, console.clock()))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{server.url}/admin/")
    page.goto(f"{server.url}/admin/audit")
    page.get_by_label("人员").select_option("刘办理")
    page.get_by_role("button", name="筛选").click()
    table = page.inner_text("#audit")
    for action in (
        "console.enrol",
        "console.sign_in",
        "objection.read",
        "objection.reveal",
        "objection.file_download",
        "objection.transition",
        "tally.view",
        "vote.invalidate",
        "console.sign_out",
    ):
        assert action in table, action
    assert "审计员" not in table
    with core_state(console.app).db.session() as session:
        moves = session.exec(
            select(AuditEntry.actor).where(AuditEntry.action == "objection.transition")
        ).all()
    assert moves == ["刘办理"] * 3
