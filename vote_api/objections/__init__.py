"""Objections during the publicity of the proposed winners, and the secretariat's case handling.

``install_objections`` wires it into an app: the service parts (sealer, upload folder, limits),
the public and admin routers, and the middleware that caps the objection body as it streams.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI
from slowapi import Limiter

from vote_api.objections import admin, router
from vote_api.objections.bodylimit import BodyLimit, path_matcher
from vote_api.objections.service import Objections
from vote_api.settings import Settings


def _refuse_served_upload_dir(settings: Settings) -> None:
    upload = settings.objection_upload_path.resolve()
    for served in (settings.site_dir, settings.content_dir):
        if served is not None and upload.is_relative_to(served.resolve()):
            raise ValueError(
                f"SZMQA_OBJECTION_UPLOAD_DIR ({upload}) must not be inside {served.resolve()}, "
                "which is published: evidence files must never be served"
            )


def install_objections(app: FastAPI, limiter: Limiter, settings: Settings, prefix: str) -> None:
    """Add the objection service to an app (routers under ``prefix``)."""
    _refuse_served_upload_dir(settings)
    app.state.objections = Objections.from_settings(settings)
    app.include_router(router.build_router(limiter), prefix=prefix)
    app.include_router(admin.build_router(), prefix=prefix)
    app.add_middleware(
        BodyLimit,
        limit_for=body_limits(prefix, settings.objection_max_request_bytes),
    )


#: Every other API body (votes, captchas, follow-ups, admin actions) is small JSON; anything
#: bigger is refused while it streams, before it is buffered.
SMALL_BODY_BYTES = 64 * 1024


def body_limits(prefix: str, filing_bytes: int) -> Callable[[str, str], int | None]:
    """The body cap of each API route: the objection filing's from the settings, 64 KB otherwise."""
    filing = path_matcher(rf"{re.escape(prefix)}/notices/[^/]+/objections/?", lambda: filing_bytes)
    other = path_matcher(rf"{re.escape(prefix)}/.*", lambda: SMALL_BODY_BYTES)

    def limit_for(method: str, path: str) -> int | None:
        return filing(method, path) or other(method, path)

    return limit_for


__all__ = ["install_objections"]
