"""Hostile: console posts with a live session and a valid CSRF token, sent by another site.

SameSite=Strict keeps the session cookie off most cross-site requests, and the CSRF token off
all of them; a browser quirk, a sibling subdomain or a stolen token would still leave the
console open. The console refuses like ``/api/``: by the request's ``Origin`` and
``Sec-Fetch-Site``, before the session is looked up or the form read.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import NAME, Console, csrf_of
from vote_api.console.models import Role, Staff
from vote_api.core.audit import AuditEntry
from vote_api.core.state import core_state

HOSTILE = [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://testserver.evil.example"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},
]


def _audit(console: Console, action: str) -> list[str]:
    with core_state(console.app).db.session() as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.action == action)).all()
        return [row.target for row in rows]


def _staff(console: Console, name: str) -> Staff | None:
    with core_state(console.app).db.session() as session:
        return session.exec(select(Staff).where(Staff.name == name)).first()


@pytest.mark.parametrize(
    "headers", HOSTILE, ids=lambda h: ",".join(f"{k}={v}" for k, v in h.items())
)
def test_console_cross_site_reveal_add_and_disable_refused_with_a_valid_session_and_token(
    console: Console, headers: dict[str, str]
) -> None:
    admin = console.signed_in(console.enrol("管理甲", Role.ADMIN))
    handler = console.signed_in(console.enrol("办理乙", Role.HANDLER))
    victim = console.enrol("观察丙", Role.OBSERVER)
    number = console.file_objection()["case_number"]
    case_page = handler.get(f"/admin/objections/{number}")
    staff_page = admin.get("/admin/staff")
    victim_id = _staff(console, victim.name).id  # type: ignore[union-attr]

    reveal = handler.post(
        f"/admin/objections/{number}/reveal",
        data={"csrf": csrf_of(case_page.text)},
        headers=headers,
    )
    added = admin.post(
        "/admin/staff",
        data={"csrf": csrf_of(staff_page.text), "name": "跨站新人", "role": "admin"},
        headers=headers,
    )
    disabled = admin.post(
        f"/admin/staff/{victim_id}/disable",
        data={"csrf": csrf_of(staff_page.text)},
        headers=headers,
    )
    for refused in (reveal, added, disabled):
        assert refused.status_code == 403, refused.text
        assert "其他网站" in refused.text and "操作未执行" in refused.text
        assert refused.headers["content-type"].startswith("text/html")
        assert "frame-ancestors 'none'" in refused.headers["content-security-policy"]
    assert NAME not in reveal.text and "13912345678" not in reveal.text
    assert _audit(console, "objection.reveal") == []
    assert _staff(console, "跨站新人") is None
    assert "staff:跨站新人" not in _audit(console, "staff.add")
    assert _staff(console, victim.name).disabled_at is None  # type: ignore[union-attr]
    assert _audit(console, "staff.disable") == []


def test_console_cross_site_sign_in_refused_and_same_origin_posts_work(console: Console) -> None:
    person = console.enrol("管理丁", Role.ADMIN)
    anonymous = console.client()
    refused = console.sign_in(anonymous, person)
    assert refused.status_code == 303  # no Origin: a script or an old browser, allowed
    other = console.client()
    form = other.get("/admin/sign-in")
    forged = other.post(
        "/admin/sign-in",
        data={"csrf": csrf_of(form.text), "name": person.name, "password": person.password},
        headers={"Origin": "https://evil.example"},
    )
    assert forged.status_code == 403 and "其他网站" in forged.text
    handler = console.signed_in(console.enrol("办理戊", Role.HANDLER))
    number = console.file_objection()["case_number"]
    page = handler.get(f"/admin/objections/{number}")
    shown = handler.post(
        f"/admin/objections/{number}/reveal",
        data={"csrf": csrf_of(page.text)},
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )
    assert shown.status_code == 200 and NAME in shown.text
    assert _audit(console, "objection.reveal") == [number]
