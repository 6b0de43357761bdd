"""Response headers: API answers never cached, site pages under a strict CSP, docs local or off."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests.factories import Apps, Env, site_service
from vote_api.core.csp import SitePolicy


@pytest.fixture
def site_app(tmp_path: Path, demo_dir: Path, demo_site: Path) -> Any:
    """The built demo site and the service from one app, as ./run.sh serves them."""
    return site_service(tmp_path, demo_dir, demo_site)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/api/ballots"),
        ("GET", "/api/health"),
        ("GET", "/api/receipts/AAAA-AAAA-AAAA-AAAA"),
        ("POST", "/api/captchas"),
        ("GET", "/api/no-such-route"),
    ],
)
def test_headers_every_api_answer_is_no_store(env: Env, method: str, url: str) -> None:
    response = env.client.request(method, url, json={"purpose": "vote", "target": "x"})
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_headers_site_pages_carry_a_self_only_csp(site_app: Any) -> None:
    from starlette.testclient import TestClient

    with TestClient(site_app) as client:
        for path in ("/", "/vote/", "/objection/"):
            response = client.get(path)
            assert response.status_code == 200, path
            policy = response.headers["content-security-policy"]
            directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
            assert directives["default-src"] == "'self'"
            assert directives["frame-ancestors"] == "'none'"
            assert "unsafe-inline" not in directives["script-src"]
            for value in directives.values():  # nothing from another host
                assert not re.search(r"https?:|\*", value), value
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["x-frame-options"] == "DENY"
            assert response.headers["referrer-policy"] == "same-origin"
            assert "no-store" not in response.headers.get("cache-control", "")


@pytest.mark.browser
def test_headers_site_pages_run_under_their_csp_in_chromium(
    page: Any, site_app: Any, live_server: Any
) -> None:
    server = live_server(site_app)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    page.goto(f"{server.url}/vote/")
    page.get_by_text("项正在进行").wait_for()  # the page's own script ran and called the API
    page.goto(f"{server.url}/")
    page.locator(".md-header").wait_for()
    assert not [v for v in violations if "Content Security Policy" in v], violations
    # A script injected into the page (as an XSS would) is refused by the policy.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__injected = 1'; document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.__injected") is None
    assert any("Content Security Policy" in v for v in violations)


def test_headers_docs_off_in_production(make_env: Apps) -> None:
    env = make_env(environment="production", secret_key="s" * 40, encryption_key="e" * 40)
    assert env.client.get("/api/docs").status_code == 404
    assert env.client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 404
    assert env.client.get("/api/openapi.json").status_code == 200


def test_headers_docs_load_only_from_this_host(env: Env) -> None:
    page = env.client.get("/api/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/api/docs/") for s in sources), sources
    assert "<script>" not in page.text  # no inline script
    for source in sources:
        asset = env.client.get(source)
        assert asset.status_code == 200, source
        assert "https://" not in asset.text[:2000] or source.endswith(".js")


@pytest.mark.browser
def test_headers_docs_render_in_chromium_from_this_host(
    page: Any, env: Env, live_server: Any
) -> None:
    server = live_server(env.app)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{server.url}/api/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "投票" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock").first.wait_for()
    assert requested and all(u.startswith(server.url) for u in requested), requested


def _script_hash(body: str) -> str:
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _tiny_site(folder: Path, script: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(
        f"<html><head><script>{script}</script></head><body>x</body></html>", encoding="utf-8"
    )
    return folder


def test_headers_site_policy_follows_a_publish(tmp_path: Path) -> None:
    first = _tiny_site(tmp_path / "releases" / "1", "var published=1")
    second = _tiny_site(tmp_path / "releases" / "2", "var published=2")
    current = tmp_path / "current"
    current.symlink_to(first)
    policy = SitePolicy(current, check_seconds=0)
    assert _script_hash("var published=1") in policy()
    assert _script_hash("var published=2") not in policy()

    switching = tmp_path / "current.new"  # as szmqa publish switches: a new link, renamed
    switching.symlink_to(second)
    os.replace(switching, current)
    deadline = time.monotonic() + 10
    while _script_hash("var published=2") not in policy() and time.monotonic() < deadline:
        time.sleep(0.05)  # recomputed on a thread of its own
    assert _script_hash("var published=2") in policy()
    assert _script_hash("var published=1") not in policy()
