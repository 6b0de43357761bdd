"""The overview shows the SMS ceiling's alert and the verified-share watch per segment."""

from __future__ import annotations

from pathlib import Path

from tests.factories import make_console, phone_content
from tests.voting.test_sms_economics import number, send
from vote_api.console.models import Role


def test_console_overview_shows_the_sms_watch_and_the_ceiling_alert(
    tmp_path: Path, demo_dir: Path
) -> None:
    content = phone_content(demo_dir, tmp_path / "content")
    console = make_console(tmp_path / "app", content, sms_daily_budget=5, sms_watch_min_sent=4)
    public = console.client()
    sent = [(number(i), send(public, number(i))) for i in range(4)]
    phone, first = sent[0]
    code = first.json()["console_code"]
    assert public.post("/api/phone/verify", json={"phone": phone, "code": code}).status_code == 200
    observer = console.signed_in(console.enrol("观察甲", Role.OBSERVER))
    page = observer.get("/admin/").text
    assert "今日已发送短信验证码 4 条，每日上限 5 条" in page  # 80 % of the ceiling
    assert 'id="sms-watch"' in page and "25%" in page and "已收紧" in page
    assert "号段 139 本小时和上一小时发出的 4 条短信验证码只有 1 条被验证" in page
    assert "1391234" not in page
