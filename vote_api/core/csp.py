"""The site's Content-Security-Policy: its own origin only, inline code allowed by hash alone.

The built site (MkDocs + mkdocs-material) has a few small inline scripts in every page
(theme and tab state, read before the page paints; one of them names the page's depth) and
table cells with ``style="text-align: …"``. Rather than allow inline code in general, the
policy lists the SHA-256 of each distinct one found in the built site, so a script injected
into a page never runs. A publish switches the site to a new folder (``current``); the
policy follows it (``SitePolicy``), recomputed on a thread of its own.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

#: An inline script (no src attribute) and its body; a style attribute's value.
_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"""\sstyle=(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_SOURCE = re.compile(r"\ssrc\s*=", re.IGNORECASE)
#: Script types the browser does not run (data blocks such as mkdocs-material's config).
_DATA_TYPE = re.compile(r"""\stype=["']?application/(?:ld\+)?json""", re.IGNORECASE)


def page_inline_code(html: str) -> tuple[set[str], set[str]]:
    """The inline script bodies and style attribute values of one page."""
    scripts = {
        body
        for attributes, body in _INLINE_SCRIPT.findall(html)
        if not _SOURCE.search(attributes) and not _DATA_TYPE.search(attributes)
    }
    styles = {double or single for double, single in _STYLE_ATTRIBUTE.findall(html)}
    return scripts, styles


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def inline_code_hashes(site_dir: Path | None) -> tuple[list[str], list[str]]:
    """The CSP hashes of every distinct inline script and style attribute of the built site."""
    scripts: set[str] = set()
    styles: set[str] = set()
    if site_dir is not None:
        for page in sorted(site_dir.rglob("*.html")):
            found_scripts, found_styles = page_inline_code(
                page.read_text(encoding="utf-8", errors="replace")
            )
            scripts |= found_scripts
            styles |= found_styles
    return sorted(_hash(s) for s in scripts), sorted(_hash(s) for s in styles)


def site_policy(site_dir: Path | None) -> str:
    """The Content-Security-Policy of the site's pages."""
    scripts, styles = inline_code_hashes(site_dir)
    script_src = " ".join(["'self'", *scripts])
    style_src = " ".join(["'self'", *(["'unsafe-hashes'", *styles] if styles else [])])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script_src}",
            f"style-src {style_src}",
            "img-src 'self' data:",
            "media-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


#: API answers are data, never pages: nothing may load or frame them.
API_POLICY = "default-src 'none'; frame-ancestors 'none'"


class SitePolicy:
    """The site's policy, following publishes: recomputed once the site's real folder changes.

    Looks at most once per ``check_seconds`` where the site folder leads (a publish switches
    a ``current`` link); a new folder's policy is computed on a thread (reading every page
    takes a while on a large site) and served from then on; until then the old one is.
    """

    def __init__(
        self,
        site_dir: Path | None,
        *,
        check_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._site_dir = site_dir
        self._check_seconds = check_seconds
        self._clock = clock
        self._real = os.path.realpath(site_dir) if site_dir is not None else None
        self._policy = site_policy(site_dir)
        self._checked = clock()
        self._pending: threading.Thread | None = None

    def __call__(self) -> str:
        """The policy of the site as last published."""
        now = self._clock()
        if self._site_dir is not None and now - self._checked >= self._check_seconds:
            self._checked = now
            real = os.path.realpath(self._site_dir)
            idle = self._pending is None or not self._pending.is_alive()
            if real != self._real and idle:
                self._pending = threading.Thread(
                    target=self._recompute, args=(real,), name="csp", daemon=True
                )
                self._pending.start()
        return self._policy

    def _recompute(self, real: str) -> None:
        self._policy, self._real = site_policy(Path(real)), real


#: The directives a vendor's widget needs its hosts in: its script, its frame, its pictures
#: and styles, and its calls home.
VENDOR_DIRECTIVES = ("script-src", "style-src", "img-src", "connect-src")


def with_hosts(policy: str, hosts: tuple[str, ...]) -> str:
    """``policy`` that also lets ``hosts`` serve scripts, styles, pictures, calls and frames."""
    if not hosts:
        return policy
    added = " ".join(hosts)
    directives = []
    for directive in policy.split("; "):
        name = directive.split(" ", 1)[0]
        directives.append(f"{directive} {added}" if name in VENDOR_DIRECTIVES else directive)
    return "; ".join([*directives, f"frame-src {added}"])
