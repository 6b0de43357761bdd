"""An app per test over the demo award year, with the clock and captcha answers injected."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from tests.conftest import Clock, free_port
from tests.migrations.databases import postgres_schema
from tests.vote.support import (
    CULTURE,
    IMAGE_ANSWER,
    NOW,
    known_answer,
)
from vote_api.core.auth import create_token
from vote_api.core.settings import Settings
from vote_api.core.state import core_state
from vote_api.main import create_app

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


@dataclass
class Env:
    """One app, its client, its settings and its clock."""

    app: FastAPI
    client: TestClient
    settings: Settings
    clock: Clock

    def captcha(self, ballot: str = CULTURE, kind: str = "image", **extra: Any) -> str:
        """Issue a vote captcha; return its id."""
        response = self.client.post(
            "/api/captchas", json={"purpose": "vote", "target": ballot, "kind": kind, **extra}
        )
        assert response.status_code == 200, response.text
        return response.json()["captcha_id"]

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
        return response.json()

    def candidate(self, ballot: str, index: int = 0) -> str:
        """A candidate id of a ballot."""
        return self.ballot(ballot)["candidates"][index]["id"]

    def admin_token(self, name: str = "secretariat") -> str:
        """A fresh admin bearer token."""
        with core_state(self.app).db.session() as session:
            return create_token(session, name, self.clock())

    def new_visitor(self) -> None:
        """Forget the voter cookie, as another person (or browser) would not have it."""
        self.client.cookies.clear()


AppFactory = Callable[..., Env]


@pytest.fixture
def make_env(tmp_path: Path, demo_dir: Path) -> Iterator[AppFactory]:
    """Build an app over the demo content on a fresh SQLite file: ``make_env(**settings)``."""
    clients: list[TestClient] = []

    def build(*, clock: Clock | None = None, **overrides: Any) -> Env:
        clock = clock or Clock(NOW)
        values: dict[str, Any] = {
            "database_url": f"sqlite:///{tmp_path}/vote-{len(clients)}.db",
            "demo_dir": demo_dir,
            "content_dir": ROOT / "docs",
            "data_dir": tmp_path / "var",
        }
        values.update(overrides)
        settings = Settings(**values)
        app = create_app(settings, clock=clock, captcha_answers=known_answer)
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return Env(app=app, client=client, settings=settings, clock=clock)

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.services)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of each kind (PostgreSQL: a private schema, dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/backend.db"
        return
    with postgres_schema(request.getfixturevalue("postgres_url")) as url:
        yield url


@pytest.fixture
def env(make_env: AppFactory) -> Env:
    """The default app: demo content, SQLite, in-process limits, 2026-11-24 10:00."""
    return make_env()


@pytest.fixture(scope="session")
def capped_demo_dir(tmp_path_factory: pytest.TempPathFactory, demo_dir: Path) -> Path:
    """The demo content with the culture ballot capped at 2 votes per address a day."""
    import shutil

    import yaml

    folder = tmp_path_factory.mktemp("capped-demo")
    shutil.copytree(demo_dir, folder, dirs_exist_ok=True)
    year_file = folder / "awards" / "2026.yml"
    data = yaml.safe_load(year_file.read_text(encoding="utf-8"))
    for ballot in data["ballots"]:
        if ballot["id"] == CULTURE:
            ballot["daily_cap_per_address"] = 2
    year_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


class ServerProcess:
    """uvicorn in a subprocess (its own process group) running tests.vote.asgi:app."""

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
            sys.executable, "-m", "uvicorn", "--factory", "tests.vote.asgi:app",
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


@pytest.fixture
def server_process() -> Iterator[Callable[..., ServerProcess]]:
    """Start tests.vote.asgi:app in uvicorn subprocesses; every one is stopped at the end."""
    started: list[ServerProcess] = []

    def start(env: dict[str, str], workers: int = 1) -> ServerProcess:
        server = ServerProcess(env, workers)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end on a fresh event loop in its own thread.

    Playwright's sync API keeps an event loop running in the main thread once a browser test
    has started, so ``asyncio.run`` cannot be called there.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
