"""The theme as a Chinese government site needs it: Chinese text, readable colours, no CDN."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.content_files import valid_year


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_theme_colours_give_text_at_least_4_5_to_1():
    css = (ROOT / "docs/assets/stylesheets/site.css").read_text(encoding="utf-8")
    primary = re.search(r"--md-primary-fg-color:\s*(#[0-9a-f]{6})", css).group(1)
    link = re.search(r"--md-typeset-a-color:\s*(#[0-9a-f]{6})", css).group(1)
    accent = re.search(r"--md-accent-fg-color:\s*(#[0-9a-f]{6})", css).group(1)
    assert contrast(primary, "#ffffff") >= 4.5  # header and tab text on the theme red
    assert contrast(link, "#ffffff") >= 4.5  # links on the page
    assert contrast(accent, "#ffffff") >= 4.5  # links under the pointer
    assert contrast("#c62828", "#ffffff") > contrast("#ef5350", "#ffffff")


def test_theme_text_is_chinese_on_every_page(production_site):
    for page in production_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "Permanent link" not in html, page
        assert "Not found" not in html, page
    process = (production_site / "guide/process/index.html").read_text(encoding="utf-8")
    assert 'title="本节链接"' in process
    assert 'role="dialog" aria-label="站内搜索"' in process


def test_not_found_page_is_chinese_with_links_on_the_site(production_site):
    html = (production_site / "404.html").read_text(encoding="utf-8")
    article = html[html.index("<article") : html.index("</article>")]
    assert "页面不存在" in article and "返回首页" in article
    links = re.findall(r'href="([^"]+)"', article)
    assert links and all(link.startswith("/") and not link.startswith("//") for link in links)


def test_every_page_loads_the_theme_guard_before_the_theme_bundle(production_site):
    for page in production_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if "assets/javascripts/bundle." not in html:
            continue
        assert html.index("theme-guard.js") < html.index("assets/javascripts/bundle."), page


@pytest.fixture
def mermaid_site_url(tiny_site) -> Iterator[str]:
    """A tiny site whose page has a Mermaid diagram, served over HTTP."""
    site = tiny_site(valid_year())
    (site.docs / "diagram.md").write_text(
        '# 图示\n\n<pre class="mermaid"><code>graph TD; 申报--&gt;受理</code></pre>\n',
        encoding="utf-8",
    )
    site.build()
    handler = functools.partial(_Quiet, directory=str(site.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.mark.browser
def test_browser_without_resize_observer_and_with_a_diagram_loads_nothing_from_a_cdn(
    page: Any, mermaid_site_url: str, tmp_path: Path
) -> None:
    # An old browser: no ResizeObserver. The theme would fetch a polyfill and Mermaid from a
    # public CDN; the page fixture fails the test on any request to another host.
    page.add_init_script("delete window.ResizeObserver;")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{mermaid_site_url}/diagram/")
    page.get_by_role("heading", name="图示").wait_for()
    page.wait_for_function("typeof window.ResizeObserver === 'function'")
    page.locator("div.mermaid").wait_for(state="attached")
    page.wait_for_timeout(500)
    assert all(url.startswith(mermaid_site_url) or url.startswith("data:") for url in requests)
    assert not any("unpkg" in url or "mermaid" in url for url in requests)
