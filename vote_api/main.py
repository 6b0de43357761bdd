"""The app factory: settings, database, content, limiter, routers, and the built site at /."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from award.calendar import now as shanghai_now
from award.content import load_content
from vote_api.captcha import AnswerSource, CaptchaService
from vote_api.db import Database
from vote_api.deps import Clock
from vote_api.errors import install_error_handlers
from vote_api.limiter import install_limiter, make_limiter
from vote_api.objections import install_objections
from vote_api.rendering import drawing
from vote_api.routers import ballots, captcha, health, results, vote_admin, votes
from vote_api.settings import Settings

API_PREFIX = "/api"


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock = shanghai_now,
    captcha_answers: AnswerSource | None = None,
) -> FastAPI:
    """Build the service; ``clock`` and ``captcha_answers`` exist for tests to inject."""
    settings = settings or Settings()
    logging.getLogger("vote_api").setLevel(logging.INFO)
    content = load_content(settings.content_roots, allow_demo=settings.demo_dir is not None)
    db = Database(settings.database_url)
    db.create_all()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Full GC passes stop every request; bench/bench_vote.py measured 40-90 ms ones over
        # the startup objects, and 5-10 ms ones twice a second over the rate-limit windows.
        # Startup objects live as long as the process: keep them out of those passes, and
        # make the passes rarer (every 100 middle-generation passes instead of 10).
        gc.freeze()
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, 100)
        drawing.acquire()  # the captcha drawing process, started on the first captcha
        yield
        db.close()
        drawing.release()

    app = FastAPI(
        title="深圳市市长质量奖 网络投票与异议受理服务",
        version="1.0",
        lifespan=lifespan,
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json",
    )
    app.state.settings = settings
    app.state.db = db
    app.state.content = content
    app.state.clock = clock
    app.state.captcha = CaptchaService(
        settings.secret_key.get_secret_value().encode(),
        settings.captcha_ttl_seconds,
        captcha_answers,
    )
    limiter = make_limiter(settings)
    install_limiter(app, limiter)
    install_error_handlers(app)
    app.include_router(health.build_router(), prefix=API_PREFIX)
    app.include_router(captcha.build_router(limiter), prefix=API_PREFIX)
    app.include_router(ballots.build_router(), prefix=API_PREFIX)
    app.include_router(votes.build_router(limiter), prefix=API_PREFIX)
    app.include_router(results.build_router(), prefix=API_PREFIX)
    app.include_router(vote_admin.build_router(), prefix=API_PREFIX)
    install_objections(app, limiter, settings, API_PREFIX)
    if settings.site_dir is not None:
        app.mount("/", StaticFiles(directory=settings.site_dir, html=True), name="site")
    return app


def app_from_environment() -> FastAPI:
    """The app configured from SZMQA_* variables (for ``uvicorn --factory`` with workers)."""
    return create_app(Settings())
