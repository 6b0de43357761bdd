"""The built site as the service serves it: compressed text, long-lived fingerprinted assets."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

#: The theme's assets carry a content hash in their name (bundle.a5f9d56c.min.js): never stale.
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(?:js|css)$")
IMMUTABLE = "public, max-age=31536000, immutable"
#: Pages and data change with each publication: the browser asks again every time.
REVALIDATE = "no-cache"
#: The site's own stylesheets and scripts keep their names across builds: an hour.
SHORT = "public, max-age=3600"
#: Below this size compressing costs more than it saves.
MINIMUM_COMPRESSED_BYTES = 500


def cache_control(path: str, media_type: str) -> str:
    """The Cache-Control value for a file of the built site, by its path and type."""
    if FINGERPRINTED.search(path):
        return IMMUTABLE
    if media_type.startswith(("text/html", "application/json", "application/xml", "text/xml")):
        return REVALIDATE
    if path.endswith((".json", ".xml", ".ics")):
        return REVALIDATE
    return SHORT


class SiteFiles(StaticFiles):
    """StaticFiles that says how long each file may be cached."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file's response with its Cache-Control header (404 page included)."""
        response = await super().get_response(path, scope)
        if response.status_code == 404:
            response.headers["Cache-Control"] = REVALIDATE
        else:
            media_type = response.headers.get("content-type", "")
            response.headers["Cache-Control"] = cache_control(path, media_type)
        return response


def mount_site(app: FastAPI, site_dir: Path) -> None:
    """Serve the built site at / with gzip for text and cache headers (the API is left as is)."""
    files = SiteFiles(directory=site_dir, html=True)
    app.mount("/", GZipMiddleware(files, minimum_size=MINIMUM_COMPRESSED_BYTES), name="site")
