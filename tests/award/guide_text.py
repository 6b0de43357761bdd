"""The guide as its source has it and as the site shows it, both normalised for layout only.

Layout is: white space and line breaks, page numbers, the source's table of contents, list
bullets and bold marks, half- or full-width forms of the same punctuation (the source is an
OCR text in half-width punctuation), and the shape of the Chinese quotation marks. Nothing else
is normalised: every other difference must be a change listed on the corrections page.

On the site's side, these are not the guide's text and are left out: admonitions whose title
starts with 本站 (the site's own summaries and tips, so marked for readers), paragraphs and
headings with the class ``guide-nav`` (navigation: each must hold a link, or be a heading),
buttons, the column headings of tables, and footnotes (each listed on the corrections page).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import markdown

from award.content import split_front_matter
from tests.conftest import ROOT

SOURCE = Path(__file__).parent / "data" / "guide-2020.txt"
GUIDE = ROOT / "docs" / "guide"
CORRECTIONS = GUIDE / "corrections.md"
EXTENSIONS = [
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
]
SITE_OWN_TITLE = "本站"
NAV_CLASS = "guide-nav"
VOID = {"br", "hr", "img", "input", "meta", "link", "wbr"}
QUOTES = str.maketrans({"“": '"', "”": '"', "＂": '"', "‘": "'", "’": "'"})
PAGE_NUMBER = re.compile(r"^\s*-\s*\d+\s*-\s*$", re.MULTILINE)
LIST_BULLET = re.compile(r"^\s*-\s+", re.MULTILINE)
#: A span in the corrections page's 原文 column: its start……its end.
SPAN = "......"
#: The 本站 column of a change that removes the original text.
REMOVED = "(删去)"


def normalise(text: str) -> str:
    """Text with layout gone: white space, bullets and bold marks, punctuation width, quote shape."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    text = text.replace("**", "").replace("•", "")
    return re.sub(r"\s+", "", text)


def source_text() -> str:
    """The guide's source, normalised: without its page numbers and table of contents."""
    text = SOURCE.read_text(encoding="utf-8")
    contents = text.index("目 录")
    body = text.index("一、市长质量奖说明", contents)
    text = text[:contents] + text[body:]
    text = PAGE_NUMBER.sub("", text)
    return normalise(LIST_BULLET.sub("", text))


@dataclass
class Node:
    """An element of rendered HTML, with its children (text as plain strings)."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str]

    @property
    def classes(self) -> set[str]:
        """The element's classes."""
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """All the text inside the element."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find(self, tag: str) -> list[Node]:
        """Every element of a tag below this one."""
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                found += [child] if child.tag == tag else []
                found += child.find(tag)
        return found


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {}, [])
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, [])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def rendered(markdown_text: str) -> Node:
    """A Markdown page rendered as the site renders it, as a tree."""
    html = markdown.markdown(markdown_text, extensions=EXTENSIONS)
    tree = _Tree()
    tree.feed(html)
    return tree.root


def admonition_title(node: Node) -> str | None:
    """The title of an admonition or details block, if the node is one."""
    if node.tag == "div" and "admonition" in node.classes:
        titles = [c for c in node.children if isinstance(c, Node) and c.tag == "p"]
        return titles[0].text() if titles and "admonition-title" in titles[0].classes else ""
    if node.tag == "details":
        summaries = node.find("summary")
        return summaries[0].text() if summaries else ""
    return None


def is_site_own(node: Node) -> bool:
    """Whether an element is the site's own, not the guide's text (see the module's docstring)."""
    title = admonition_title(node)
    if title is not None and title.strip().startswith(SITE_OWN_TITLE):
        return True
    if NAV_CLASS in node.classes:
        assert node.tag in {"h1", "h2", "h3", "h4", "h5", "h6"} or node.find("a"), (
            f"{NAV_CLASS} is for navigation: {node.text()!r} holds no link"
        )
        return True
    if node.tag == "thead":  # a table's column headings: the site's labels for its layout
        return True
    if node.tag == "sup" and node.attrs.get("id", "").startswith("fnref"):
        return True
    return "footnote" in node.classes or "md-button" in node.classes


def guide_text(node: Node) -> str:
    """The text of the guide in a rendered page: the site's own parts left out, lists numbered."""
    if is_site_own(node):
        return ""
    parts: list[str] = []
    number = int(node.attrs.get("start", "1")) if node.tag == "ol" else 0
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
            continue
        if node.tag == "ol" and child.tag == "li":
            parts.append(f"{number}.")
            number += 1
        parts.append(guide_text(child))
    return "".join(parts)


def page_markdown(page: str) -> str:
    """A guide page's Markdown without its front matter (``page`` relative to docs/guide)."""
    return split_front_matter((GUIDE / page).read_text(encoding="utf-8"))[1]


def site_text(pages: list[str]) -> str:
    """The guide's text over the given pages, in order, normalised."""
    return normalise("".join(guide_text(rendered(page_markdown(page))) for page in pages))


@dataclass(frozen=True)
class Change:
    """One change listed on the corrections page: the original's text and the site's."""

    section: str
    original: str
    site: str
    row: str

    @property
    def is_span(self) -> bool:
        """Whether the original is written as its start……its end (a whole screenshot or diagram)."""
        return SPAN in self.original

    def apply(self, text: str) -> str:
        """The normalised source with this change made; AssertionError if the original is absent."""
        if SPAN in self.original:
            start, end = self.original.split(SPAN)
            assert text.count(start) == 1, f"{self.row}: 原文的开头在原文中应恰好出现一次"
            first = text.index(start)
            last = text.index(end, first + len(start)) + len(end)
            return text[:first] + self.site + text[last:]
        assert self.original in text, f"{self.row}: 原文在原文中找不到"
        return text.replace(self.original, self.site)


def cell_texts(row: Node) -> list[str]:
    """The text of a table row's cells."""
    return [cell.text() for cell in row.children if isinstance(cell, Node)]


def listed_changes() -> list[Change]:
    """Every change in the corrections page's tables that have 原文 and 本站 columns."""
    changes: list[Change] = []
    section = ""
    for node in rendered(page_markdown(CORRECTIONS.name)).children:
        if isinstance(node, str):
            continue
        if node.tag == "h2":
            section = node.text().strip()
        if node.tag != "table":
            continue
        rows = node.find("tr")
        header = [cell.strip() for cell in cell_texts(rows[0])]
        if "原文" not in header or "本站" not in header:
            continue
        for row in rows[1:]:
            cells = cell_texts(row)
            original = normalise(cells[header.index("原文")])
            site = normalise(cells[header.index("本站")])
            site = "" if site == REMOVED else site
            changes.append(Change(section, original, site, f"{section}：{'｜'.join(cells)}"))
    return changes
