"""Putting the console into an app: its router, its static files, its HTML refusals."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from vote_api.console import router as console
from vote_api.console.crosssite import ConsoleCrossSiteGuard
from vote_api.console.guard import ConsoleRedirect, ConsoleRefusal
from vote_api.console.render import STATIC, error_page
from vote_api.console.signin_guard import SignInGuard
from vote_api.core.bodylimit import BodyLimit, path_matcher
from vote_api.core.parts import install, part
from vote_api.core.settings import Settings

STATIC_PATH = "/admin/static"
#: The largest console form: a 5000-character reply and note, URL-encoded (9 bytes a character).
FORM_BYTES = 256 * 1024


def install_console(app: FastAPI) -> None:
    """Add the console's pages, its CSS and its error pages (call before mounting the site)."""
    install(app, SignInGuard(part(app, Settings).console_password_threads))
    app.add_middleware(BodyLimit, limit_for=path_matcher(r"/admin/.*", lambda: FORM_BYTES))
    app.add_middleware(ConsoleCrossSiteGuard)  # outside the body limit: refused before any read
    app.include_router(console.router)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC), name="console-static")

    @app.exception_handler(ConsoleRedirect)
    async def _redirect(request: Request, error: ConsoleRedirect) -> Response:
        return RedirectResponse(error.location, status_code=303)

    @app.exception_handler(ConsoleRefusal)
    async def _refused(request: Request, error: ConsoleRefusal) -> Response:
        return error_page(request, error.status, error.message)
