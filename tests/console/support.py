"""What the console tests share: an app over the demo year, enrolled people, signing in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.testclient import TestClient

from award.moments import SHANGHAI
from tests.conftest import Clock
from vote_api.console import accounts, totp
from vote_api.console.models import Role
from vote_api.console.sessions import COOKIE, FORM_COOKIE
from vote_api.core.settings import Settings
from vote_api.core.state import core_state
from vote_api.main import create_app

ROOT = Path(__file__).resolve().parents[2]
#: Inside the demo notice's objection window (2026-11-23 to 11-27) and the culture ballot.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
ANSWER = "ACDEF"
PASSWORD = "correct horse battery staple"
NOTICE = "demo-2026-11-23-publicity"
CULTURE = "demo-2026-culture"
ECOLOGY = "demo-2026-ecology"  # closed on the demo's today: its results are public
REPORTER = "张异议人"
PDF = b"%PDF-1.4\n% evidence CONSOLE-MARKER penalty decision scan\n%%EOF\n"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Person:
    """An enrolled account: name, role, password and authenticator secret."""

    name: str
    role: Role
    password: str
    secret: str


@dataclass
class Console:
    """One app with the console, its clock and its people."""

    app: FastAPI
    settings: Settings
    clock: Clock
    people: dict[str, Person] = field(default_factory=dict)

    def client(self) -> TestClient:
        """A new browser-like client (own cookies), no redirects followed."""
        client = TestClient(self.app, follow_redirects=False)
        client.__enter__()
        return client

    def enrol(self, name: str, role: Role, password: str = PASSWORD) -> Person:
        """Create and enrol an account directly through the account functions."""
        state = core_state(self.app)
        now = self.clock()
        with state.db.session() as session:
            token = accounts.add_staff(session, name, role, actor="test", now=now)
            staff = accounts.staff_for_enrolment(session, token, now)
            assert staff is not None
            secret = accounts.enrolment_secret(session, staff, state.sealer)
            code = totp.code_at(secret, now)
            accounts.complete_enrolment(session, staff, state.sealer, password, password, code, now)
        person = Person(name, role, password, secret)
        self.people[name] = person
        return person

    def file_objection(self, client: TestClient | None = None) -> dict[str, Any]:
        """File an individual's objection with one PDF through the public API; its answer."""
        client = client or self.client()
        captcha = client.post(
            "/api/captchas", json={"purpose": "objection", "target": NOTICE, "kind": "image"}
        )
        assert captcha.status_code == 200, captcha.text
        form = {
            "entrant": "E03",
            "reason": ["safety"],
            "statement": "该单位于2025年发生较大安全生产责任事故，已被应急管理部门处罚，附处罚决定书。",
            "reporter_kind": "individual",
            "name": REPORTER,
            "id_number": "11010519491231002X",
            "phone": "13912345678",
            "captcha_id": captcha.json()["captcha_id"],
            "captcha_answer": ANSWER,
        }
        response = client.post(
            f"/api/notices/{NOTICE}/objections",
            data=form,
            files=[("evidence", ("处罚决定书.pdf", PDF, "application/pdf"))],
        )
        assert response.status_code in (200, 201), response.text
        return response.json()

    def cast_vote(self, ballot: str = CULTURE, index: int = 0) -> dict[str, Any]:
        """Cast one vote as a new visitor through the public API; its answer."""
        client = self.client()
        candidates = client.get(f"/api/ballots/{ballot}").json()["candidates"]
        captcha = client.post(
            "/api/captchas", json={"purpose": "vote", "target": ballot, "kind": "image"}
        ).json()["captcha_id"]
        response = client.post(
            f"/api/ballots/{ballot}/votes",
            json={
                "captcha_id": captcha,
                "captcha_answer": ANSWER,
                "candidates": [candidates[index]["id"]],
            },
        )
        assert response.status_code in (200, 201), response.text
        return response.json()

    def tick(self, seconds: int = 31) -> None:
        """Move the clock on (a TOTP code is accepted once; the next needs a new step)."""
        self.clock.moment = self.clock.moment + timedelta(seconds=seconds)

    def sign_in(self, client: TestClient, person: Person, **override: str) -> Any:
        """Open the sign-in form and post it (password and current code unless overridden)."""
        self.tick()
        form = client.get("/admin/sign-in")
        assert form.status_code == 200
        csrf = CSRF_FIELD.search(form.text)
        assert csrf is not None
        data = {
            "csrf": csrf.group(1),
            "name": person.name,
            "password": person.password,
            "code": totp.code_at(person.secret, self.clock()),
            **override,
        }
        return client.post("/admin/sign-in", data=data)

    def signed_in(self, person: Person) -> TestClient:
        """A client with a live session of ``person``."""
        client = self.client()
        response = self.sign_in(client, person)
        assert response.status_code == 303, response.text
        assert client.cookies.get(COOKIE)
        return client


def app_routes(routes: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(full path, route) of every route an app serves, through included routers."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:  # FastAPI keeps an included router as one route
            context = getattr(route, "include_context", None)
            yield from app_routes(inner.routes, prefix + getattr(context, "prefix", ""))
        else:
            yield prefix + getattr(route, "path", ""), route


def csrf_of(html: str) -> str:
    """The CSRF token of a console page's forms."""
    found = CSRF_FIELD.search(html)
    assert found is not None, "no CSRF field on the page"
    return found.group(1)


def console_settings(root: Path, demo_dir: Path, **overrides: Any) -> Settings:
    """Settings for a console test app in ``root``."""
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{root / 'db' / 'szmqa.db'}",
        "data_dir": root / "var",
        "content_dir": ROOT / "docs",
        "demo_dir": demo_dir,
        "ratelimit_enabled": False,
    }
    values.update(overrides)
    return Settings(**values)


def make_console(root: Path, demo_dir: Path, now: datetime = NOW, **overrides: Any) -> Console:
    """An app over the demo year with a movable clock and known captcha answers."""
    settings = console_settings(root, demo_dir, **overrides)
    clock = Clock(now)
    app = create_app(settings, clock=clock, captcha_answers=lambda kind: ANSWER)
    return Console(app=app, settings=settings, clock=clock)


__all__ = ["FORM_COOKIE", "Console", "Person", "csrf_of", "make_console"]
