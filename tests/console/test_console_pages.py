"""Over HTTP: the console's actions and their bad input (clear Chinese refusals, nothing
half-done), enrolment links, reveals audited each time, attachments as downloads."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from tests.factories import CONSOLE_PDF, CULTURE, ECOLOGY, NAME, Console, csrf_of, make_console
from vote_api.console import totp
from vote_api.console.models import Role, Staff
from vote_api.console.schemas import REASON_MAX
from vote_api.core.audit import AuditEntry
from vote_api.core.state import core_state
from vote_api.core.timeutil import to_db
from vote_api.objections.models import ObjectionCase, ObjectionEvent
from vote_api.voting.deps import voting_of
from vote_api.voting.models import Vote


def _actions(console: Console, action: str) -> list[tuple[str, str]]:
    with core_state(console.app).db.session() as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.action == action)).all()
        return [(row.actor, row.target) for row in rows]


def _vote(console: Console) -> Vote:
    with core_state(console.app).db.session() as session:
        return session.exec(select(Vote)).one()


def test_console_invalidation_needs_a_reason_of_the_right_length_and_a_confirmation(
    console: Console,
) -> None:
    admin = console.signed_in(console.enrol("管理甲", Role.ADMIN))
    console.cast_vote()
    vote_id = _vote(console).id
    page = admin.get(f"/admin/ballots/{CULTURE}")
    csrf = csrf_of(page.text)
    path = f"/admin/ballots/{CULTURE}/invalidate"
    for reason, words in (
        ("短", "至少 5 个字"),
        ("长" * (REASON_MAX + 1), f"最多 {REASON_MAX} 个字"),
    ):
        refused = admin.post(
            path, data={"csrf": csrf, "vote_id": str(vote_id), "reason": reason, "confirm": "yes"}
        )
        assert refused.status_code == 422 and words in refused.text
    for bad_id, status in (("abc", 422), ("0", 422), ("99999", 404)):
        refused = admin.post(
            path, data={"csrf": csrf, "vote_id": bad_id, "reason": "重复投票作废", "confirm": "yes"}
        )
        assert refused.status_code == status, bad_id
    # A vote of another ballot is not found from this one.
    other = admin.post(
        "/admin/ballots/2026-social/invalidate",
        data={"csrf": csrf, "vote_id": str(vote_id), "reason": "重复投票作废", "confirm": "yes"},
    )
    assert other.status_code == 404
    first = admin.post(path, data={"csrf": csrf, "vote_id": str(vote_id), "reason": "重复投票作废"})
    assert first.status_code == 200 and "确认作废" in first.text
    assert _vote(console).invalidated_at is None  # the confirmation page changes nothing
    assert _actions(console, "vote.invalidate") == []
    done = admin.post(
        path,
        data={"csrf": csrf, "vote_id": str(vote_id), "reason": "重复投票作废", "confirm": "yes"},
    )
    assert done.status_code == 303
    assert _vote(console).invalidated_reason == "重复投票作废"
    assert _actions(console, "vote.invalidate") == [("管理甲", f"vote:{vote_id}")]
    again = admin.post(
        path,
        data={"csrf": csrf, "vote_id": str(vote_id), "reason": "重复投票作废", "confirm": "yes"},
    )
    assert again.status_code == 409 and "已被作废" in again.text


def test_console_two_handlers_at_once_the_second_is_told_and_nothing_changes(
    console: Console,
) -> None:
    one = console.signed_in(console.enrol("办理甲", Role.HANDLER))
    two = console.signed_in(console.enrol("办理乙", Role.HANDLER))
    number = console.file_objection()["case_number"]
    forms = [client.get(f"/admin/objections/{number}") for client in (one, two)]
    step = {"from": "received", "to": "under_review", "note": "转核查"}
    assert (
        one.post(
            f"/admin/objections/{number}/transitions", data={**step, "csrf": csrf_of(forms[0].text)}
        ).status_code
        == 303
    )
    late = two.post(
        f"/admin/objections/{number}/transitions", data={**step, "csrf": csrf_of(forms[1].text)}
    )
    assert late.status_code == 409 and "已被他人改为“核查中”" in late.text
    with core_state(console.app).db.session() as session:
        events = session.exec(select(ObjectionEvent)).all()
    assert [(e.actor, e.to_status) for e in events] == [("办理甲", "under_review")]
    # A decision needs a reply; an unknown status and an overlong note are refused.
    csrf = csrf_of(late.text)
    for data, words in (
        ({"from": "under_review", "to": "upheld"}, "须填写给异议人的答复"),
        ({"from": "under_review", "to": "won"}, "状态不正确"),
        (
            {"from": "under_review", "to": "not_upheld", "reply": "不成立", "note": "长" * 5001},
            "最多 5000 个字",
        ),
        ({"from": "under_review", "to": "closed"}, "不能改为"),
    ):
        refused = two.post(f"/admin/objections/{number}/transitions", data={**data, "csrf": csrf})
        assert refused.status_code in (409, 422) and words in refused.text, data
    with core_state(console.app).db.session() as session:
        assert session.exec(select(ObjectionCase.status)).one() == "under_review"


def test_console_personal_data_only_on_reveal_and_every_reveal_audited(console: Console) -> None:
    handler = console.signed_in(console.enrol("办理丙", Role.HANDLER))
    number = console.file_objection()["case_number"]
    page = handler.get(f"/admin/objections/{number}")
    assert page.status_code == 200 and NAME not in page.text and "13912345678" not in page.text
    for _ in range(2):
        shown = handler.post(
            f"/admin/objections/{number}/reveal", data={"csrf": csrf_of(page.text)}
        )
        assert NAME in shown.text and "13912345678" in shown.text
        assert shown.headers["cache-control"] == "no-store"
    assert _actions(console, "objection.reveal") == [("办理丙", number)] * 2
    link = re.search(r'href="(/admin/objections/[^"]+/files/\d+)"', page.text)
    assert link is not None
    download = handler.get(link.group(1))
    assert download.content == CONSOLE_PDF
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in download.headers["content-security-policy"]
    assert handler.get(f"/admin/objections/{number}/files/999").status_code == 404
    missing = handler.get("/admin/objections/26-AAAAAA")
    assert missing.status_code == 404 and "没有编号为" in missing.text


def test_console_enrolment_link_is_one_time_and_a_wrong_code_keeps_it(console: Console) -> None:
    admin = console.signed_in(console.enrol("管理乙", Role.ADMIN))
    page = admin.get("/admin/staff")
    added = admin.post(
        "/admin/staff", data={"csrf": csrf_of(page.text), "name": "新人", "role": "observer"}
    )
    link = re.search(r"/admin/enrol/[A-Za-z0-9_-]+", added.text)
    assert link is not None
    newcomer = console.client()
    form = newcomer.get(link.group(0))
    secret = re.search(r'data-secret="([A-Z2-7]+)"', form.text).group(1)  # type: ignore[union-attr]
    base = {
        "csrf": csrf_of(form.text),
        "password": "一二三四五六七八九十十一",
        "repeat": "一二三四五六七八九十十一",
    }
    for data, words in (
        ({**base, "code": "000000"}, "动态验证码不正确"),
        (
            {
                **base,
                "password": "short",
                "repeat": "short",
                "code": totp.code_at(secret, console.clock()),
            },
            "至少 12 个字符",
        ),
        (
            {
                **base,
                "repeat": "different password!",
                "code": totp.code_at(secret, console.clock()),
            },
            "不一致",
        ),
    ):
        refused = newcomer.post(link.group(0), data=data)
        assert refused.status_code == 422 and words in refused.text
    assert newcomer.get(link.group(0)).text.count(secret) >= 1  # the same secret until done
    done = newcomer.post(
        link.group(0), data={**base, "code": totp.code_at(secret, console.clock())}
    )
    assert done.status_code == 303
    assert newcomer.get(link.group(0)).status_code == 404  # used up
    # Reset two-factor: sessions end, a new link; disable: sign-in refused.
    person_id = str(_staff(console, "新人").id)
    staff_page = admin.get("/admin/staff")
    reset = admin.post(
        f"/admin/staff/{person_id}/reset-2fa", data={"csrf": csrf_of(staff_page.text)}
    )
    assert re.search(r"/admin/enrol/[A-Za-z0-9_-]+", reset.text)
    assert _staff(console, "新人").enrolled_at is None
    disabled = admin.post(
        f"/admin/staff/{person_id}/disable", data={"csrf": csrf_of(staff_page.text)}
    )
    assert disabled.status_code == 303 and _staff(console, "新人").disabled_at is not None
    self_disable = admin.post(
        f"/admin/staff/{_staff(console, '管理乙').id}/disable",
        data={"csrf": csrf_of(staff_page.text)},
    )
    assert self_disable.status_code == 409
    for data, words in (
        ({"name": "管理乙", "role": "observer"}, "已有名为"),
        ({"name": "某人", "role": "boss"}, "没有“boss”这个角色"),
        ({"name": "  ", "role": "admin"}, "姓名不能为空"),
    ):
        refused = admin.post("/admin/staff", data={**data, "csrf": csrf_of(staff_page.text)})
        assert refused.status_code == 422 and words in refused.text
    assert [a for a, _ in _actions(console, "staff.add")] == ["test", "管理乙"]


def _staff(console: Console, name: str) -> Any:
    with core_state(console.app).db.session() as session:
        return session.exec(select(Staff).where(Staff.name == name)).one()


def test_console_audit_log_filters_and_pages(console: Console) -> None:
    observer = console.enrol("观察丁", Role.OBSERVER)
    for _ in range(3):
        console.signed_in(observer)
    reader = console.signed_in(observer)
    page = reader.get("/admin/audit", params={"actor": "观察丁", "action": "console.sign_in"})
    assert page.status_code == 200 and page.text.count('<td class="nowrap">观察丁</td>') == 4
    empty = reader.get("/admin/audit", params={"actor": "没有这个人"})
    assert "没有符合条件的记录" in empty.text
    bad = reader.get("/admin/audit", params={"since": "yesterday"})
    assert bad.status_code == 422 and "起始日期应写作" in bad.text
    dated = reader.get("/admin/audit", params={"since": "2026-11-25"})
    assert "没有符合条件的记录" in dated.text
    with core_state(console.app).db.session() as session:
        from vote_api.core.audit import record

        for index in range(60):
            record(
                session, at=console.clock(), actor="脚本", action="tally.view", target=f"t{index}"
            )
        session.commit()
    first = reader.get("/admin/audit")
    assert "下一页" in first.text and "上一页" not in first.text
    second = reader.get("/admin/audit", params={"page": "2"})
    assert "上一页" in second.text


def test_console_inbox_ages_cases_in_working_days_and_marks_overdue(console: Console) -> None:
    from datetime import date, datetime

    from award.moments import SHANGHAI
    from vote_api.objections.cases import case_age

    number = console.file_objection()["case_number"]  # Tuesday 2026-11-24
    handler = console.signed_in(console.enrol("办理戊", Role.HANDLER))
    fresh = handler.get("/admin/objections")
    assert number in fresh.text and "0 / 10" in fresh.text and "已超期" not in fresh.text
    # Ten working days after 11-24 end on 12-08; from 12-09 the case is overdue.
    received = datetime(2026, 11, 24, 10, tzinfo=SHANGHAI)
    assert case_age(received, None, date(2026, 12, 8)).overdue is False
    assert case_age(received, None, date(2026, 12, 9)).overdue is True
    assert case_age(received, None, date(2026, 12, 9)).days == 11
    console.clock.moment = datetime(2026, 12, 9, 9, tzinfo=SHANGHAI)
    late_client = console.signed_in(console.people["办理戊"])
    late = late_client.get("/admin/objections", params={"status": "received"})
    assert "已超期" in late.text and "11 / 10" in late.text
    overview = late_client.get("/admin/").text
    assert "超过 10 个工作日未办结" in overview and "Redis" not in overview
    assert (
        "没有符合条件的案件"
        in late_client.get("/admin/objections", params={"status": "closed"}).text
    )
    assert (
        "没有符合条件的案件" in late_client.get("/admin/objections", params={"entrant": "E99"}).text
    )
    export = late_client.get("/admin/objections/export.csv")
    assert export.headers["content-disposition"].startswith("attachment;") and number in export.text


def test_console_overview_warns_when_redis_does_not_answer(tmp_path: Path, demo_dir: Path) -> None:
    from tests.conftest import free_port

    console = make_console(
        tmp_path, demo_dir, ratelimit_storage_uri=f"redis://127.0.0.1:{free_port()}/0"
    )
    observer = console.signed_in(console.enrol("观察己", Role.OBSERVER))
    assert "Redis" in observer.get("/admin/").text


@pytest.mark.services
def test_console_on_postgres_signs_in_locks_and_moves_a_case(
    tmp_path: Path, demo_dir: Path, postgres_url: str
) -> None:
    from tests.migrations.databases import postgres_schema

    with postgres_schema(postgres_url) as url:
        console = make_console(tmp_path, demo_dir, database_url=url)
        handler = console.signed_in(console.enrol("办理庚", Role.HANDLER))
        number = console.file_objection()["case_number"]
        page = handler.get(f"/admin/objections/{number}")
        moved = handler.post(
            f"/admin/objections/{number}/transitions",
            data={"csrf": csrf_of(page.text), "from": "received", "to": "under_review"},
        )
        assert moved.status_code == 303
        other = console.enrol("办理辛", Role.HANDLER)
        browser = console.client(address="203.0.113.50")
        for _ in range(10):
            console.sign_in(browser, other, password="wrong password again")
        assert console.sign_in(console.client(address="192.0.2.60"), other).status_code == 303
        assert _actions(console, "objection.transition") == [("办理庚", number)]
        core_state(console.app).db.close()


def test_console_forms_are_capped_while_they_stream(console: Console) -> None:
    browser = console.client()
    huge = browser.post(
        "/admin/sign-in",
        content=b"name=" + b"a" * (1024 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert huge.status_code == 413
    admin = console.signed_in(console.enrol("管理壬", Role.ADMIN))
    number = console.file_objection()["case_number"]
    page = admin.get(f"/admin/objections/{number}")
    long_reply = "答" * 5000  # the longest reply and note still fit
    moved = admin.post(
        f"/admin/objections/{number}/transitions",
        data={
            "csrf": csrf_of(page.text),
            "from": "received",
            "to": "under_review",
            "note": "注" * 5000,
            "reply": long_reply,
        },
    )
    assert moved.status_code == 303


def _seed_cluster(console: Console) -> None:
    """In the closed ecology ballot: 12 votes from one network for one candidate, 24 spread."""
    state = core_state(console.app)
    entry = voting_of(console.app).catalog.get(ECOLOGY)
    candidates = list(entry.candidates)
    with state.db.session() as session:
        for n in range(36):
            pushed = n < 12
            session.add(
                Vote(
                    ballot_id=ECOLOGY,
                    voter_key=secrets.token_hex(16),
                    period_key="window",
                    choices=candidates[1] if pushed else candidates[n % len(candidates)],
                    receipt_digest=secrets.token_hex(32),
                    created_at=to_db(entry.ballot.opens + timedelta(minutes=7 * n)),
                    address_key=secrets.token_hex(16),
                    network_key="pushed-network" if pushed else secrets.token_hex(8),
                    device_key=secrets.token_hex(8),
                )
            )
        session.commit()


def test_console_a_cluster_is_shown_and_invalidated_whole_after_confirmation(
    console: Console,
) -> None:
    _seed_cluster(console)
    admin = console.signed_in(console.enrol("管理乙", Role.ADMIN))
    shown = admin.get(f"/admin/ballots/{ECOLOGY}")
    assert shown.status_code == 200 and "同一网络地址段" in shown.text and "12 张" in shown.text
    csrf = csrf_of(shown.text)
    path = f"/admin/ballots/{ECOLOGY}/clusters/invalidate"
    cluster_id = "network:pushed-network"
    short = admin.post(path, data={"csrf": csrf, "cluster_id": cluster_id, "reason": "短"})
    assert short.status_code == 422
    asked = admin.post(
        path, data={"csrf": csrf, "cluster_id": cluster_id, "reason": "同一网段集中投票"}
    )
    assert asked.status_code == 200 and "确认作废 12 张选票" in asked.text
    assert _actions(console, "cluster.invalidate") == []  # the confirmation changes nothing
    done = admin.post(
        path,
        data={
            "csrf": csrf,
            "cluster_id": cluster_id,
            "reason": "同一网段集中投票",
            "confirm": "yes",
        },
    )
    assert done.status_code == 303
    assert _actions(console, "cluster.invalidate") == [("管理乙", f"ballot:{ECOLOGY}")]
    results = console.client().get(f"/api/ballots/{ECOLOGY}/results").json()
    assert results["counted_votes"] == 24 and len(results["invalidated"]) == 12
    assert {item["category"] for item in results["invalidated"]} == {"network"}
    observer = console.signed_in(console.enrol("观察丙", Role.OBSERVER))
    refused = observer.post(
        path,
        data={
            "csrf": csrf_of(observer.get("/admin/").text),
            "cluster_id": cluster_id,
            "reason": "同一网段集中投票",
        },
    )
    assert refused.status_code == 403


def test_console_audit_page_names_every_action_in_chinese(console: Console) -> None:
    from vote_api.console.render import ACTION_LABELS
    from vote_api.core.audit import AuditAction, record

    assert set(ACTION_LABELS) == set(AuditAction)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in ACTION_LABELS.values())
    with core_state(console.app).db.session() as session:
        for action in AuditAction:
            record(session, at=console.clock(), actor="脚本", action=action, target=action.value)
        session.commit()
    reader = console.signed_in(console.enrol("观察己", Role.OBSERVER))
    page = reader.get("/admin/audit", params={"actor": "脚本"})
    shown = re.findall(r"<td>([^<]+)<br><code class=\"hint\">([^<]+)</code>", page.text)
    assert {code: label for label, code in shown} == {
        action.value: ACTION_LABELS[action] for action in AuditAction
    }
