"""The interactive API documentation (Swagger UI), served from this host only.

Swagger UI's files come from the ``fastapi-offline`` package (Swagger UI 5, which reads the
OpenAPI 3.1 that FastAPI writes) and its start-up script is a
file of this service, so the page loads nothing from another host and needs no inline script.
Off in production (``SZMQA_ENVIRONMENT=production``): the OpenAPI document stays available.
"""

from __future__ import annotations

import html
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

#: Swagger UI draws with inline styles; scripts and everything else come from this host.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)

#: swagger-ui-bundle.js and swagger-ui.css, as the package ships them.
SWAGGER_UI_FILES = Path(fastapi_offline.__file__).parent / "static"

_START = """window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: document.body.dataset.openapi,
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout"
  });
});
"""


def docs_page(title: str, docs_path: str, openapi_url: str) -> str:
    """The documentation page: Swagger UI's files and start-up script from ``docs_path``."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="{docs_path}/assets/swagger-ui.css">
</head>
<body data-openapi="{html.escape(openapi_url)}">
<div id="swagger-ui"></div>
<script src="{docs_path}/assets/swagger-ui-bundle.js"></script>
<script src="{docs_path}/start.js"></script>
</body>
</html>
"""


def install_docs(app: FastAPI, docs_path: str, openapi_url: str) -> None:
    """Serve Swagger UI at ``docs_path`` with its files under ``docs_path``/assets."""
    page = docs_page(f"{app.title} · 接口文档", docs_path, openapi_url)

    @app.get(docs_path, include_in_schema=False)
    async def _docs() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get(f"{docs_path}/start.js", include_in_schema=False)
    async def _start() -> Response:
        return Response(_START, media_type="text/javascript")

    app.mount(
        f"{docs_path}/assets",
        StaticFiles(directory=SWAGGER_UI_FILES),
        name="api-docs-assets",
    )
