"""Over HTTP: every console route refuses without a session, with an expired one, without
CSRF and with a role too low; sign-in lockout; session ids change at sign-in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlmodel import select
from starlette.routing import Mount

from tests.factories import CULTURE, Console, app_routes, csrf_of
from vote_api.console.guard import PUBLIC_ROUTES
from vote_api.console.models import Role, Staff
from vote_api.console.sessions import COOKIE
from vote_api.core.audit import AuditEntry
from vote_api.core.state import core_state
from vote_api.objections.models import ObjectionCase
from vote_api.voting.models import Vote


def required_role(route: APIRoute) -> Role | None:
    """The role a route's guard asks for (None: no guard)."""
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        role = getattr(dependency.call, "role", None)
        if role is not None:
            return role
        stack.extend(dependency.dependencies)
    return None


def console_routes(app: Any) -> Iterator[tuple[str, str, Role | None]]:
    """(METHOD, path, role) of every console route of the app."""
    for path, route in app_routes(app.routes):
        if isinstance(route, APIRoute) and path.startswith("/admin"):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, path, required_role(route)


@pytest.fixture
def world(console: Console) -> dict[str, Any]:
    """Three people, one more to act on, one objection case, one vote."""
    people = {
        role: console.enrol(f"{role.label}甲", role)
        for role in (Role.OBSERVER, Role.HANDLER, Role.ADMIN)
    }
    victim = console.enrol("被操作人", Role.OBSERVER)
    filed = console.file_objection()
    console.cast_vote()
    state = core_state(console.app)
    with state.db.session() as session:
        vote_id = session.exec(select(Vote.id)).one()
        victim_id = session.exec(select(Staff.id).where(Staff.name == victim.name)).one()
    detail_client = console.signed_in(people[Role.HANDLER])
    case_page = detail_client.get(f"/admin/objections/{filed['case_number']}")
    file_id = case_page.text.split("/files/")[1].split('"')[0]
    return {
        "people": people,
        "values": {
            "ballot_id": CULTURE,
            "case_number": filed["case_number"],
            "file_id": file_id,
            "staff_id": str(victim_id),
            "token": "x",
        },
        "forms": {
            "/admin/ballots/{ballot_id}/invalidate": {
                "vote_id": str(vote_id),
                "reason": "同一设备批量投票，作废",
                "confirm": "yes",
            },
            "/admin/objections/{case_number}/transitions": {
                "from": "received",
                "to": "under_review",
            },
            "/admin/staff": {"name": "新来的人", "role": "admin"},
        },
        "vote_id": vote_id,
    }


def _path(template: str, values: dict[str, str]) -> str:
    return template.format(**values)


def _state_snapshot(console: Console) -> dict[str, Any]:
    """What a refused request must not change."""
    with core_state(console.app).db.session() as session:
        return {
            "invalidated": session.exec(
                select(Vote.id).where(Vote.invalidated_at.is_not(None))  # type: ignore[union-attr]
            ).all(),
            "statuses": session.exec(select(ObjectionCase.status)).all(),
            "staff": [(s.name, s.disabled_at, s.enrolled_at) for s in session.exec(select(Staff))],
            "acts": session.exec(
                select(AuditEntry.action).where(
                    AuditEntry.action.in_(  # type: ignore[attr-defined]
                        [
                            "vote.invalidate",
                            "objection.transition",
                            "staff.add",
                            "staff.disable",
                            "staff.reset_2fa",
                        ]
                    )
                )
            ).all(),
        }


def test_console_every_route_declares_a_role_or_is_public(console: Console) -> None:
    routes = list(console_routes(console.app))
    assert len(routes) >= 18
    unguarded = [
        (method, path)
        for method, path, role in routes
        if role is None and (method, path) not in PUBLIC_ROUTES | {("GET", "/admin")}
    ]
    assert unguarded == []
    # Nothing else is served under /admin but the console's own stylesheet.
    others = [
        (path, type(route).__name__)
        for path, route in app_routes(console.app.routes)
        if path.startswith("/admin") and not isinstance(route, APIRoute)
    ]
    assert others == [("/admin/static", Mount.__name__)]
    # Every /api route of the admin API stays outside the console's guard (bearer tokens).
    assert any(path.startswith("/api/admin") for path, _ in app_routes(console.app.routes))


def test_console_every_route_refuses_without_session_expired_without_csrf_and_low_role(
    console: Console, world: dict[str, Any]
) -> None:
    before = _state_snapshot(console)
    values, forms, people = world["values"], world["forms"], world["people"]
    guarded = [(m, p, r) for m, p, r in console_routes(console.app) if r is not None]
    problems: list[str] = []

    def expect(
        what: str, response: Any, statuses: tuple[int, ...], location: str | None = None
    ) -> None:
        if response.status_code not in statuses:
            problems.append(f"{what}: {response.status_code}")
        elif location and not response.headers.get("location", "").startswith(location):
            problems.append(f"{what}: to {response.headers.get('location')}")

    anonymous = console.client()
    anonymous.cookies.set(
        COOKIE, "forged-or-unknown-session", domain="testserver.local", path="/admin"
    )
    for method, template, _role in guarded:
        path = _path(template, values)
        data = {**forms.get(template, {}), "csrf": "anything"}
        response = anonymous.request(method, path, data=data if method == "POST" else None)
        expect(f"{method} {template} without a session", response, (303,), "/admin/sign-in")

    # An idle session (30 minutes) and an old one (8 hours) are both over.
    idle = console.signed_in(people[Role.ADMIN])
    csrf_idle = csrf_of(idle.get("/admin/staff").text)
    console.tick(30 * 60)
    for method, template, _role in guarded:
        data = {**forms.get(template, {}), "csrf": csrf_idle}
        response = idle.request(
            method, _path(template, values), data=data if method == "POST" else None
        )
        expect(f"{method} {template} after 30 idle minutes", response, (303,), "/admin/sign-in")
    old = console.signed_in(people[Role.ADMIN])
    csrf_old = csrf_of(old.get("/admin/staff").text)
    for _ in range(8 * 3):
        console.tick(20 * 60)
        assert old.get("/admin/").status_code in (200, 303)  # active every 20 minutes
    for method, template, _role in guarded:
        data = {**forms.get(template, {}), "csrf": csrf_old}
        response = old.request(
            method, _path(template, values), data=data if method == "POST" else None
        )
        expect(f"{method} {template} after 8 hours", response, (303,), "/admin/sign-in")

    admin = console.signed_in(people[Role.ADMIN])
    for method, template, _role in guarded:
        if method != "POST":
            continue
        path = _path(template, values)
        missing = admin.post(path, data=forms.get(template, {}))
        expect(f"POST {template} without CSRF", missing, (403,))
        wrong = admin.post(path, data={**forms.get(template, {}), "csrf": "wrong-token"})
        expect(f"POST {template} with a wrong CSRF token", wrong, (403,))
        if "防伪令牌" not in wrong.text:
            problems.append(f"POST {template}: no CSRF message")

    clients = {role: console.signed_in(person) for role, person in people.items()}
    for method, template, role in guarded:
        path = _path(template, values)
        for low, client in clients.items():
            if low.allows(role):
                continue
            token = csrf_of(client.get("/admin/").text)
            data = {**forms.get(template, {}), "csrf": token}
            response = client.request(method, path, data=data if method == "POST" else None)
            expect(f"{method} {template} as {low.value}", response, (403,))
            if response.status_code == 403 and role.label not in response.text:
                problems.append(
                    f"{method} {template} as {low.value}: message does not name the role"
                )
        if method == "GET":  # the right role gets the page: the refusals above are not vacuous
            allowed = clients[role].get(path)
            expect(f"GET {template} as {role.value}", allowed, (200,))

    assert problems == []
    assert _state_snapshot(console) == before


def test_console_cookie_is_httponly_strict_scoped_and_secure_behind_https(
    console: Console,
) -> None:
    person = console.enrol("安全员", Role.OBSERVER)
    plain = console.client()
    response = console.sign_in(plain, person)
    cookie = response.headers["set-cookie"]
    assert f"{COOKIE}=" in cookie
    for attribute in ("HttpOnly", "Path=/admin", "SameSite=strict"):
        assert attribute.lower() in cookie.lower(), cookie
    assert "secure" not in cookie.lower()
    tls = console.client()
    tls.base_url = tls.base_url.copy_with(scheme="https")
    secured = console.sign_in(tls, person)
    assert secured.status_code == 303
    assert "secure" in secured.headers["set-cookie"].lower()
    page = plain.get("/admin/")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


def test_console_session_id_changes_at_sign_in_and_the_old_one_ends(console: Console) -> None:
    person = console.enrol("固定会话", Role.OBSERVER)
    browser = console.client()
    browser.cookies.set(
        COOKIE, "attacker-chosen-session-id", domain="testserver.local", path="/admin"
    )
    console.sign_in(browser, person)
    first = browser.cookies.get(COOKIE)
    assert first and first != "attacker-chosen-session-id"
    assert browser.get("/admin/").status_code == 200
    console.sign_in(browser, person)
    second = browser.cookies.get(COOKIE)
    assert second and second != first
    stale = console.client()
    stale.cookies.set(COOKIE, first, domain="testserver.local", path="/admin")
    assert stale.get("/admin/").status_code == 303  # the session from before is over
    # Signing out ends the session on the server too, not only in the browser.
    browser.post("/admin/sign-out", data={"csrf": csrf_of(browser.get("/admin/").text)})
    replay = console.client()
    replay.cookies.set(COOKIE, second, domain="testserver.local", path="/admin")
    assert replay.get("/admin/").status_code == 303


def test_console_a_code_is_accepted_once(console: Console) -> None:
    person = console.enrol("一次码", Role.OBSERVER)
    first, second = console.client(), console.client()
    assert console.sign_in(first, person).status_code == 303
    form = second.get("/admin/sign-in")
    from vote_api.console import totp

    replay = second.post(
        "/admin/sign-in",
        data={
            "csrf": csrf_of(form.text),
            "name": person.name,
            "password": person.password,
            "code": totp.code_at(person.secret, console.clock()),
        },
    )
    assert replay.status_code == 401


def test_console_sign_in_form_needs_its_csrf_token(console: Console) -> None:
    person = console.enrol("表单人", Role.OBSERVER)
    browser = console.client()
    browser.get("/admin/sign-in")
    from vote_api.console import totp

    refused = browser.post(
        "/admin/sign-in",
        data={
            "name": person.name,
            "password": person.password,
            "code": totp.code_at(person.secret, console.clock()),
        },
    )
    assert refused.status_code == 403 and "防伪令牌" in refused.text
    assert browser.cookies.get(COOKIE) is None
