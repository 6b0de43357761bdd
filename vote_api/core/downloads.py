"""Files handed to the secretariat: always a download, never rendered, never cached."""

from __future__ import annotations

from urllib.parse import quote

#: Headers of every download: not sniffed, not stored, and inert if a browser opens it anyway.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def content_disposition(name: str, fallback: str) -> str:
    """``attachment`` with an ASCII fallback name and the original (RFC 6266 / 5987)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_headers(name: str, fallback: str | None = None) -> dict[str, str]:
    """The headers of a download named ``name``."""
    return {"Content-Disposition": content_disposition(name, fallback or name), **DOWNLOAD_HEADERS}
