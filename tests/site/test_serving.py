"""The site as `szmqa serve` sends it: gzip for text, long caching for fingerprinted assets,
a Chinese 404 whose links stay on the site."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import ROOT
from vote_api.core.settings import Settings
from vote_api.main import create_app


@pytest.fixture
def client(tmp_path: Path, demo_dir: Path, demo_site: Path) -> Iterator[Any]:
    """The service serving the built demo site."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/serve.db",
        demo_dir=demo_dir,
        site_dir=demo_site,
        content_dir=ROOT / "docs",
        data_dir=tmp_path / "var",
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_pages_are_compressed_and_revalidated(client: Any) -> None:
    response = client.get("/awards/2026/", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["cache-control"] == "no-cache"
    assert response.num_bytes_downloaded < len(response.content) / 3


def test_fingerprinted_theme_assets_are_cached_for_a_year(client: Any, demo_site: Path) -> None:
    [bundle] = (demo_site / "assets/javascripts").glob("bundle.*.min.js")
    response = client.get(f"/assets/javascripts/{bundle.name}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-encoding"] == "gzip"
    own = client.get("/assets/stylesheets/site.css")
    assert own.headers["cache-control"] == "public, max-age=3600"


def test_unknown_address_gets_the_chinese_404_with_links_on_the_site(client: Any) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "页面不存在" in response.text and "Not found" not in response.text
    assert response.headers["cache-control"] == "no-cache"
    article = response.text[response.text.index("<article") : response.text.index("</article>")]
    links = re.findall(r'href="([^"]+)"', article)
    assert links and all(link.startswith("/") and not link.startswith("//") for link in links)
    banner = re.findall(r'class="award-banner__item"[^>]*>\s*<a href="([^"]+)"', response.text)
    assert all(not href.startswith("//") for href in banner)


def test_api_responses_are_not_compressed(client: Any) -> None:
    response = client.get("/api/ballots", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
