"""Shared fixtures: required-or-skipped services, a real Chromium, demo content, built sites,
apps over the demo year (see ``tests/factories.py``), and one captcha drawing process."""

from __future__ import annotations

import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from szmqa.demo import write_demo
from tests.factories import (
    CULTURE,
    OBJECTION_SETTINGS,
    Apps,
    Clock,
    Env,
    ServerProcess,
    ballot_variant,
    free_port,
    phone_content,
)
from tests.migrations.databases import postgres_schema
from vote_api.core.captcha.drawing import drawing

__all__ = ["Clock", "free_port"]

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("SZMQA_CHROMIUM", "/usr/bin/chromium"))
REQUIRED = os.environ.get("SZMQA_REQUIRE_SERVICES") == "1"
#: The demo's "today" and the build's "now" in tests, so results never depend on the real date.
DEMO_TODAY = date(2026, 11, 24)
DEMO_NOW = "2026-11-24T10:00:00+08:00"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def missing(reason: str) -> None:
    """Skip for a missing service or browser, or fail when CI requires it."""
    if REQUIRED:
        pytest.fail(f"{reason} (required: SZMQA_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def port_open(host: str, port: int) -> bool:
    """Whether something accepts TCP connections at host:port."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def build_site(
    site_dir: Path,
    *,
    config: Path = ROOT / "mkdocs.yml",
    demo_dir: Path | None = None,
    now: str = DEMO_NOW,
) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build --strict`` the way the secretariat's CI would; return the process."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SZMQA_NOW=now)
    env["SZMQA_DEMO_DIR"] = str(demo_dir) if demo_dir else ""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(config),
            "-d",
            str(site_dir),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo award year, dated around DEMO_TODAY."""
    return write_demo(tmp_path_factory.mktemp("demo"), DEMO_TODAY)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory, demo_dir: Path) -> Path:
    """The real site (mkdocs.yml, docs/) built with the demo content."""
    site = tmp_path_factory.mktemp("demo-site")
    result = build_site(site, demo_dir=demo_dir)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="session")
def production_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site built as for production: no demo content."""
    site = tmp_path_factory.mktemp("production-site")
    result = build_site(site)
    assert result.returncode == 0, result.stderr
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def demo_site_url(demo_site: Path) -> Iterator[str]:
    """The demo site served over HTTP on 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(demo_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright."""
    if not CHROMIUM.exists():
        missing(f"no Chromium at {CHROMIUM}: install Debian's chromium (./test.sh does as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser page (own cookies) that fails the test on any request to another host."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    outside: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    yield page
    context.close()
    assert not outside, f"the page tried to load from another host: {outside}"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL URL for scale-out tests (database ``test`` on 127.0.0.1)."""
    url = os.environ.get("SZMQA_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    if not port_open("127.0.0.1", 5432):
        missing("PostgreSQL is not running on 127.0.0.1:5432")
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis URL for scale-out tests: a database of its own for each pytest-xdist worker.

    ``SZMQA_TEST_REDIS`` names the first worker's database (default 15); worker ``gwN`` takes
    the N-th one below it, so that parallel workers never count in each other's keys.
    """
    url = os.environ.get("SZMQA_TEST_REDIS", "redis://127.0.0.1:6379/15")
    if not port_open("127.0.0.1", 6379):
        missing("Redis is not running on 127.0.0.1:6379")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    base, _, first = url.rpartition("/")
    offset = int(worker.removeprefix("gw") or 0)
    return f"{base}/{(int(first or 0) - offset) % 16}"


class LiveServer:
    """A uvicorn server running an ASGI app in a background thread on 127.0.0.1."""

    def __init__(self, app: Any, **options: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            **{"log_level": "warning", "proxy_headers": False, **options},
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server() -> Iterator[Any]:
    """Start an app over real HTTP: ``server = live_server(app)``; ``server.url``; stopped after the test."""
    servers: list[LiveServer] = []

    def start(app: Any) -> LiveServer:
        server = LiveServer(app)
        servers.append(server)
        return server.__enter__()

    yield start
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture(scope="session", autouse=True)
def captcha_drawing() -> Iterator[None]:
    """One captcha drawing process for the whole run (each app would otherwise start its own)."""
    drawing.acquire()
    yield
    drawing.release()


@pytest.fixture
def make_env(tmp_path: Path, demo_dir: Path) -> Iterator[Apps]:
    """Apps over the demo content, each on its own SQLite file, sharing one data folder (keys),
    as restarts of one deployment do: ``make_env(clock=..., **settings)``."""
    apps = Apps(tmp_path, demo_dir, data_dir=tmp_path / "var")
    yield apps
    apps.close()


@pytest.fixture
def make_objection_env(tmp_path: Path, demo_dir: Path) -> Iterator[Apps]:
    """Apps with the objection tests' small limits and no rate limits, each in its own folder."""
    apps = Apps(tmp_path, demo_dir, **OBJECTION_SETTINGS)
    yield apps
    apps.close()


@pytest.fixture
def env(make_env: Apps) -> Env:
    """The default app: demo content, SQLite, in-process limits, 2026-11-24 10:00."""
    return make_env()


@pytest.fixture
def phone_env(make_env: Apps, demo_dir: Path, tmp_path: Path) -> Env:
    """An app whose culture ballot proves voters by phone."""
    return make_env(demo_dir=phone_content(demo_dir, tmp_path / "content"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.services)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of each kind (PostgreSQL: a private schema, dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/backend.db"
        return
    with postgres_schema(request.getfixturevalue("postgres_url")) as url:
        yield url


@pytest.fixture(scope="session")
def capped_demo_dir(tmp_path_factory: pytest.TempPathFactory, demo_dir: Path) -> Path:
    """The demo content with the culture ballot capped at 2 votes per address a day."""
    folder = tmp_path_factory.mktemp("capped-demo")
    return ballot_variant(demo_dir, folder, CULTURE, daily_cap_per_address=2)


@pytest.fixture
def server_process() -> Iterator[Callable[..., ServerProcess]]:
    """Start tests.asgi:app in uvicorn subprocesses; every one is stopped at the end."""
    started: list[ServerProcess] = []

    def start(env: dict[str, str], workers: int = 1) -> ServerProcess:
        server = ServerProcess(env, workers)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
