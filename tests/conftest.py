"""Shared fixtures: required-or-skipped services, a real Chromium, demo content, built sites."""

from __future__ import annotations

import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from szmqa.demo import write_demo

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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


class Clock:
    """A clock a test can move: pass it as ``create_app(..., clock=clock)``."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


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
    """A Redis URL for scale-out tests."""
    url = os.environ.get("SZMQA_TEST_REDIS", "redis://127.0.0.1:6379/15")
    if not port_open("127.0.0.1", 6379):
        missing("Redis is not running on 127.0.0.1:6379")
    return url


class LiveServer:
    """A uvicorn server running an ASGI app in a background thread on 127.0.0.1."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", proxy_headers=False
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
