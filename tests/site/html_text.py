"""Reading built HTML in tests: a page's article text, its tables, and what it loads."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path


def article_text(page: Path) -> str:
    """The visible text of a page's article, whitespace folded."""
    source = page.read_text(encoding="utf-8")
    body = source[source.index("<article") : source.index("</article>")]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(re.sub(r"\s+", "", "".join(self._cell)))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(page: Path) -> list[list[list[str]]]:
    """Every table of a page as rows of cell texts (white space removed)."""
    parser = _Tables()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tables


LOADING_ATTRIBUTES = re.compile(
    r"<(?:script|img|iframe|audio|video|source|embed|object)\b[^>]*?\b(?:src|data)\s*=\s*[\"']([^\"']+)"
    r"|<link\b[^>]*?\bhref\s*=\s*[\"']([^\"']+)[\"'][^>]*>",
    re.IGNORECASE,
)
CSS_URL = re.compile(r"url\(\s*[\"']?([^\"')]+)|@import\s+[\"']([^\"']+)", re.IGNORECASE)


def off_host_loads(site: Path) -> list[str]:
    """Every resource a built page or stylesheet would fetch from another host."""
    found: list[str] = []
    for page in site.rglob("*.html"):
        for match in LOADING_ATTRIBUTES.finditer(page.read_text(encoding="utf-8")):
            tag = match.group(0)
            url = match.group(1) or match.group(2)
            if tag.lower().startswith("<link") and re.search(
                r"rel=[\"'](canonical|alternate|next|prev)", tag
            ):
                continue  # links for crawlers and feed readers load nothing
            if re.match(r"^(https?:)?//", url):
                found.append(f"{page.relative_to(site)}: {url}")
    for sheet in site.rglob("*.css"):
        for match in CSS_URL.finditer(sheet.read_text(encoding="utf-8")):
            url = match.group(1) or match.group(2)
            if re.match(r"^(https?:)?//", url.strip()):
                found.append(f"{sheet.relative_to(site)}: {url}")
    return found


def headings(source: str) -> list[tuple[int, str]]:
    """The article's headings in order, as (level, text)."""
    body = source[source.index("<article") : source.index("</article>")]
    found = re.findall(r"<h([1-6])\b[^>]*>(.*?)</h\1>", body, re.DOTALL)
    return [(int(level), re.sub(r"<[^>]+>", "", text).strip()) for level, text in found]
