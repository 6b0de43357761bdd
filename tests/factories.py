"""The test harness: settings, apps and their clients, staff, votes, objections and content.

Every test that needs the service builds it here: ``make_settings`` for its settings, ``Apps``
for apps (each with its client, its clock and known captcha answers, closed after the test),
``Env`` for what a visitor, a voter, a reporter or an admin does with one app, ``Console``
for the secretariat's staff, and the content variants of the demo year.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import yaml
from fastapi import FastAPI
from sqlmodel import select
from starlette.testclient import TestClient

from award.moments import SHANGHAI
from vote_api.console import accounts, totp
from vote_api.console.models import Role
from vote_api.console.sessions import COOKIE
from vote_api.core.auth import create_token
from vote_api.core.db import make_engine
from vote_api.core.humancheck import CaptchaKind, HumanCheck
from vote_api.core.settings import Settings
from vote_api.core.state import core_state
from vote_api.main import create_app
from vote_api.objections.models import ObjectionCase, ObjectionFile
from vote_api.schema import sqlite_backup, upgrade

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")

# -- the demo year at the tests' moment ---------------------------------------------------------

#: The demo's "now" in every test: the culture and social ballots and the demo notice are open.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
CULTURE = "demo-2026-culture"  # period day, one choice
SOCIAL = "demo-2026-social"  # period window, two choices
ECOLOGY = "demo-2026-ecology"  # closed: its results are public
MANAGEMENT = "demo-2026-management"  # upcoming
SERVICE = "demo-2026-service"  # window, phone-verified voters
#: The demo's publicity notice that takes objections (2026-11-23 to 11-27).
NOTICE = "demo-2026-11-23-publicity"
IMAGE_ANSWER = "ACDEF"
AUDIO_ANSWER = "13579"


def known_answer(kind: CaptchaKind) -> str:
    """The captcha answers the tests type (injected through the app factory)."""
    return IMAGE_ANSWER if kind is CaptchaKind.IMAGE else AUDIO_ANSWER


def per_minute(limit: str) -> int:
    """The per-minute count of a limit such as ``"20/minute;200/hour"``."""
    return int(limit.split(";")[0].split("/")[0])


class Clock:
    """A clock a test can move: pass it as ``create_app(..., clock=clock)``."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


# -- settings and apps --------------------------------------------------------------------------


def migrated_sqlite(path: Path) -> str:
    """The URL of the SQLite database at ``path``; a new one starts at the code's schema.

    The migrations run once per test run, into a template that each new database copies
    (the migrations themselves are tested in tests/migrations); an existing database (an
    app started again on the same folder) is kept as it is.
    """
    if path.exists():
        return f"sqlite:///{path}"
    global _TEMPLATE
    if _TEMPLATE is None:
        folder = Path(tempfile.mkdtemp(prefix="szmqa-schema-"))
        atexit.register(shutil.rmtree, folder, True)
        engine = make_engine(f"sqlite:///{folder / 'template.db'}")
        upgrade(engine)
        engine.dispose()
        _TEMPLATE = folder / "template.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    sqlite_backup(_TEMPLATE, path)
    return f"sqlite:///{path}"


_TEMPLATE: Path | None = None


def make_settings(root: Path, demo_dir: Path | None, **overrides: Any) -> Settings:
    """Settings of a test app whose database and data live in ``root``, with the demo year."""
    values: dict[str, Any] = {
        "data_dir": root / "var",
        "content_dir": ROOT / "docs",
        "demo_dir": demo_dir,
        **overrides,
    }
    if "database_url" not in overrides:
        values["database_url"] = migrated_sqlite(root / "db" / "szmqa.db")
    return Settings(**values)


#: The objection tests' settings: small limits, so that refusals need only small files, and
#: no rate limits (the tests that check them turn them on).
KiB = 1024
OBJECTION_SETTINGS: dict[str, Any] = {
    "ratelimit_enabled": False,
    "objection_max_files": 3,
    "objection_max_file_bytes": 256 * KiB,
    "objection_max_request_bytes": 1024 * KiB,
    "objection_text_max_chars": 2000,
}


@dataclass
class Env:
    """One app with its client, settings and clock, and what people do with it."""

    app: FastAPI
    client: TestClient
    settings: Settings
    clock: Clock
    root: Path
    tokens: dict[str, str] = field(default_factory=dict)

    # -- voters --

    def captcha(self, ballot: str = CULTURE, kind: str = "image", **extra: Any) -> str:
        """Issue a vote captcha; return its id."""
        body = {"purpose": "vote", "target": ballot, "kind": kind, **extra}
        response = self.client.post("/api/captchas", json=body)
        assert response.status_code == 200, response.text
        return str(response.json()["captcha_id"])

    def vote(
        self,
        ballot: str = CULTURE,
        candidates: list[str] | None = None,
        *,
        captcha_id: str | None = None,
        answer: str = IMAGE_ANSWER,
        **extra: Any,
    ) -> Any:
        """Post a vote (issuing a captcha first unless one is given); return the response."""
        if captcha_id is None:
            captcha_id = self.captcha(ballot)
        body = {
            "captcha_id": captcha_id,
            "captcha_answer": answer,
            "candidates": candidates if candidates is not None else [self.candidate(ballot)],
            **extra,
        }
        return self.client.post(f"/api/ballots/{ballot}/votes", json=body)

    def ballot(self, ballot: str) -> dict[str, Any]:
        """The public view of a ballot."""
        response = self.client.get(f"/api/ballots/{ballot}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def candidate(self, ballot: str, index: int = 0) -> str:
        """A candidate id of a ballot."""
        return str(self.ballot(ballot)["candidates"][index]["id"])

    def new_visitor(self) -> None:
        """Forget the voter cookie, as another person (or browser) would not have it."""
        self.client.cookies.clear()

    # -- reporters --

    @property
    def upload_dir(self) -> Path:
        """Where the app keeps sealed evidence files."""
        return self.settings.objection_upload_path

    def objection_captcha(self, notice: str = NOTICE) -> str:
        """Issue an objection captcha for the notice; its answer is IMAGE_ANSWER."""
        body = {"purpose": "objection", "target": notice, "kind": "image"}
        response = self.client.post("/api/captchas", json=body)
        assert response.status_code == 200, response.text
        return str(response.json()["captcha_id"])

    def file(
        self,
        data: dict[str, Any] | None = None,
        files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
        notice: str = NOTICE,
        captcha: bool = True,
    ) -> Any:
        """POST an objection (an individual's valid one unless ``data`` overrides it)."""
        form = individual() if data is None else data
        if captcha and "captcha_id" not in form:
            form = {**form, "captcha_id": self.objection_captcha(notice), "captcha_answer": ANSWER}
        return self.client.post(
            f"/api/notices/{notice}/objections",
            data=form,
            files=files
            if files is not None
            else [("evidence", ("处罚决定书.pdf", PDF, "application/pdf"))],
        )

    def cases(self) -> list[ObjectionCase]:
        """Every stored case."""
        with core_state(self.app).db.session() as session:
            return list(session.exec(select(ObjectionCase)).all())

    def file_rows(self) -> list[ObjectionFile]:
        """Every stored file record."""
        with core_state(self.app).db.session() as session:
            return list(session.exec(select(ObjectionFile)).all())

    def stored_files(self) -> list[Path]:
        """Every file in the evidence folder."""
        return sorted(p for p in self.upload_dir.iterdir()) if self.upload_dir.exists() else []

    def assert_nothing_stored(self) -> None:
        """A refused objection leaves no case, no file record and no file."""
        assert self.cases() == []
        assert self.file_rows() == []
        assert self.stored_files() == []

    # -- the secretariat's scripts --

    def admin_token(self, name: str = "secretariat") -> str:
        """A fresh admin bearer token."""
        with core_state(self.app).db.session() as session:
            return create_token(session, name, self.clock())

    def admin(self, name: str = "secretariat") -> dict[str, str]:
        """Authorization headers of an admin token (created once per name)."""
        if name not in self.tokens:
            self.tokens[name] = self.admin_token(name)
        return {"Authorization": f"Bearer {self.tokens[name]}"}


def build_app(
    settings: Settings, clock: Clock, *, human_check: HumanCheck | None = None
) -> FastAPI:
    """The service with a test clock and known captcha answers."""
    return create_app(settings, clock=clock, captcha_answers=known_answer, human_check=human_check)


def site_service(
    root: Path, demo_dir: Path, site_dir: Path, clock: Clock | None = None, **overrides: Any
) -> FastAPI:
    """The built site and the service from one app, as ./run.sh serves them."""
    settings = make_settings(root, demo_dir, site_dir=site_dir, **overrides)
    return build_app(settings, clock or Clock(NOW))


class Apps:
    """Builds a test's apps, each in a folder of its own, and closes their clients afterwards.

    ``defaults`` are settings every app of the test starts from (a test folder's choice).
    """

    def __init__(self, tmp_path: Path, demo_dir: Path, **defaults: Any) -> None:
        self.tmp_path = tmp_path
        self.demo_dir = demo_dir
        self.defaults = defaults
        self.clients: list[TestClient] = []

    def __call__(
        self,
        *,
        clock: Clock | None = None,
        now: datetime = NOW,
        human_check: HumanCheck | None = None,
        **overrides: Any,
    ) -> Env:
        """An app (``overrides`` on the defaults) with its client open."""
        root = self.tmp_path / f"app{len(self.clients)}"
        values = {"demo_dir": self.demo_dir, **self.defaults, **overrides}
        settings = make_settings(root, **values)
        clock = clock or Clock(now)
        app = build_app(settings, clock, human_check=human_check)
        client = TestClient(app)
        client.__enter__()
        self.clients.append(client)
        return Env(app=app, client=client, settings=settings, clock=clock, root=root)

    def close(self) -> None:
        """Close every client (each app's lifespan ends)."""
        for client in self.clients:
            client.__exit__(None, None, None)


def cast_vote(client: Any, ballot: str, candidate: str, answer: str = IMAGE_ANSWER) -> Any:
    """A captcha for the ballot, then a vote for ``candidate`` with it; the vote's response."""
    body = {"purpose": "vote", "target": ballot, "kind": "image"}
    captcha = client.post("/api/captchas", json=body).json()["captcha_id"]
    vote = {"captcha_id": captcha, "captcha_answer": answer, "candidates": [candidate]}
    return client.post(f"/api/ballots/{ballot}/votes", json=vote)


# -- objections ---------------------------------------------------------------------------------

ANSWER = IMAGE_ANSWER
#: GB 11643's own example number (valid check digit X).
ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"
NAME = "张异议人"
PDF = b"%PDF-1.4\n% evidence EVIDENCE-MARKER-7f3a penalty decision scan\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"PNG-MARKER-91c2"
LETTER_PDF = b"%PDF-1.7\n% sealed letter LETTER-MARKER-55d0\n%%EOF\n"


def individual(**overrides: Any) -> dict[str, Any]:
    """A valid individual's objection form."""
    form: dict[str, Any] = {
        "entrant": "E03",
        "reason": ["safety", "penalty"],
        "statement": "该单位于2025年发生较大安全生产责任事故，已被应急管理部门处罚，附处罚决定书。",
        "reporter_kind": "individual",
        "name": NAME,
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "email": "reporter@example.com",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def organisation(**overrides: Any) -> dict[str, Any]:
    """A valid organisation's objection form (its letter goes in the files)."""
    form: dict[str, Any] = {
        "entrant": "EC01",
        "reason": ["environment"],
        "statement": "该项目实施单位近3年有环保严重失信行为记录，详见所附材料。",
        "reporter_kind": "organisation",
        "organisation": "深圳市某某环保协会",
        "contact": "李联系",
        "phone": "13800138000",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


# -- staff --------------------------------------------------------------------------------------

PASSWORD = "correct horse battery staple"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Person:
    """An enrolled account: name, role, password and authenticator secret."""

    name: str
    role: Role
    password: str
    secret: str


def enrol(app: FastAPI, name: str, role: Role, now: datetime, password: str = PASSWORD) -> Person:
    """Create and enrol an account directly through the account functions."""
    state = core_state(app)
    with state.db.session() as session:
        token = accounts.add_staff(session, name, role, actor="test", now=now)
        staff = accounts.staff_for_enrolment(session, token, now)
        assert staff is not None
        secret = accounts.enrolment_secret(session, staff, state.sealer)
        code = totp.code_at(secret, now)
        accounts.complete_enrolment(session, staff, state.sealer, password, password, code, now)
    return Person(name, role, password, secret)


def csrf_of(html: str) -> str:
    """The CSRF token of a console page's forms."""
    found = CSRF_FIELD.search(html)
    assert found is not None, "no CSRF field on the page"
    return found.group(1)


@dataclass
class Console:
    """One app with the console, its clock and its people."""

    app: FastAPI
    settings: Settings
    clock: Clock
    people: dict[str, Person] = field(default_factory=dict)
    clients: list[TestClient] = field(default_factory=list)

    def client(self, address: str = "testclient") -> TestClient:
        """A new browser-like client (own cookies, from ``address``), no redirects followed."""
        client = TestClient(self.app, follow_redirects=False, client=(address, 50000))
        client.__enter__()
        self.clients.append(client)
        return client

    def close(self) -> None:
        """Close every client (the app's lifespan ends)."""
        while self.clients:
            self.clients.pop().__exit__(None, None, None)

    def enrol(self, name: str, role: Role, password: str = PASSWORD) -> Person:
        """Create and enrol an account."""
        person = enrol(self.app, name, role, self.clock(), password)
        self.people[name] = person
        return person

    def file_objection(self, client: TestClient | None = None) -> dict[str, Any]:
        """File an individual's objection with one PDF through the public API; its answer."""
        client = client or self.client()
        captcha = client.post(
            "/api/captchas", json={"purpose": "objection", "target": NOTICE, "kind": "image"}
        )
        assert captcha.status_code == 200, captcha.text
        form = individual(reason=["safety"], email=None)
        form.update(captcha_id=captcha.json()["captcha_id"], captcha_answer=ANSWER)
        response = client.post(
            f"/api/notices/{NOTICE}/objections",
            data=form,
            files=[("evidence", ("处罚决定书.pdf", CONSOLE_PDF, "application/pdf"))],
        )
        assert response.status_code in (200, 201), response.text
        return dict(response.json())

    def cast_vote(self, ballot: str = CULTURE, index: int = 0) -> dict[str, Any]:
        """Cast one vote as a new visitor through the public API; its answer."""
        client = self.client()
        candidates = client.get(f"/api/ballots/{ballot}").json()["candidates"]
        response = cast_vote(client, ballot, candidates[index]["id"])
        assert response.status_code in (200, 201), response.text
        return dict(response.json())

    def tick(self, seconds: int = 31) -> None:
        """Move the clock on (a TOTP code is accepted once; the next needs a new step)."""
        self.clock.moment = self.clock.moment + timedelta(seconds=seconds)

    def sign_in(self, client: TestClient, person: Person, **override: str) -> Any:
        """Open the sign-in form and post it (password and current code unless overridden)."""
        self.tick()
        form = client.get("/admin/sign-in")
        assert form.status_code == 200
        data = {
            "csrf": csrf_of(form.text),
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


#: The evidence the console's objections carry.
CONSOLE_PDF = b"%PDF-1.4\n% evidence CONSOLE-MARKER penalty decision scan\n%%EOF\n"


def make_console(root: Path, demo_dir: Path, now: datetime = NOW, **overrides: Any) -> Console:
    """An app over the demo year with a movable clock and known captcha answers."""
    settings = make_settings(root, demo_dir, ratelimit_enabled=False, **overrides)
    clock = Clock(now)
    return Console(app=build_app(settings, clock), settings=settings, clock=clock)


def app_routes(routes: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(full path, route) of every route an app serves, through included routers."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:  # FastAPI keeps an included router as one route
            context = getattr(route, "include_context", None)
            yield from app_routes(inner.routes, prefix + getattr(context, "prefix", ""))
        else:
            yield prefix + getattr(route, "path", ""), route


# -- content ------------------------------------------------------------------------------------


def ballot_variant(source: Path, target: Path, ballot_id: str, **changes: Any) -> Path:
    """A copy of the demo content with one ballot's settings changed."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    year_file = target / "awards" / "2026.yml"
    data = yaml.safe_load(year_file.read_text(encoding="utf-8"))
    for ballot in data["ballots"]:
        if ballot["id"] == ballot_id:
            ballot.update(changes)
    year_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def phone_content(source: Path, target: Path, **ballot: Any) -> Path:
    """A copy of the demo content whose culture ballot proves voters by phone."""
    return ballot_variant(source, target, CULTURE, identity="phone", **ballot)


# -- running things -----------------------------------------------------------------------------


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end on a fresh event loop in its own thread.

    Playwright's sync API keeps an event loop running in the main thread once a browser test
    has started, so ``asyncio.run`` cannot be called there.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """uvicorn in a subprocess (its own process group) running tests.asgi:app."""

    def __init__(self, env: dict[str, str], workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
        self.env.pop("DATABASE_URL", None)
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        """Start the server and wait until /api/health answers."""
        command = [
            sys.executable, "-m", "uvicorn", "--factory", "tests.asgi:app",
            "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers),
            "--no-proxy-headers", "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not answer /api/health")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send a signal to the server's whole process group and wait for the server to end."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """Stop the server gracefully (SIGTERM), or kill it."""
        self.kill(signal.SIGTERM)
