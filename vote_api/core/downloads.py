"""Files handed to the secretariat: always a download, never rendered, never cached.

Every CSV export and every attachment goes out through ``csv_download`` or ``file_download``,
with the same headers.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from starlette.responses import Response, StreamingResponse

#: Headers of every download: not sniffed, not stored, and inert if a browser opens it anyway.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}
#: Lets spreadsheet programs read a UTF-8 CSV's Chinese.
BOM = "\ufeff"


def content_disposition(name: str, fallback: str) -> str:
    """``attachment`` with an ASCII fallback name and the original (RFC 6266 / 5987)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_headers(name: str, fallback: str | None = None) -> dict[str, str]:
    """The headers of a download named ``name``."""
    return {"Content-Disposition": content_disposition(name, fallback or name), **DOWNLOAD_HEADERS}


def csv_download(text: str, name: str) -> Response:
    """A CSV export as a UTF-8 download (with a byte order mark, added if the text has none)."""
    body = text if text.startswith(BOM) else BOM + text
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers=download_headers(name),
    )


def file_download(
    chunks: Iterator[bytes], size: int, name: str, fallback: str
) -> StreamingResponse:
    """A file streamed as a download of ``size`` bytes, named ``name`` (ASCII ``fallback``)."""
    return StreamingResponse(
        chunks,
        media_type="application/octet-stream",
        headers={**download_headers(name, fallback), "Content-Length": str(size)},
    )
