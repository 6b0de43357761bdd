"""The app factory: settings -> state -> middleware -> routers, and the built site at /."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from award.calendar import now as shanghai_now
from award.problems import ContentError
from vote_api.captchas import router as captchas
from vote_api.console.mount import install_console
from vote_api.core import health
from vote_api.core.apidocs import DOCS_POLICY, install_docs
from vote_api.core.bodylimit import BodyLimit, api_body_limits
from vote_api.core.captcha.builtin import BuiltinCaptcha
from vote_api.core.captcha.drawing import drawing
from vote_api.core.captcha.service import AnswerSource
from vote_api.core.content import ContentHolder, refuse_to_start
from vote_api.core.crossorigin import CrossSiteGuard
from vote_api.core.crypto import Sealer
from vote_api.core.csp import SitePolicy
from vote_api.core.db import Database
from vote_api.core.errors import install_error_handlers
from vote_api.core.headers import SecurityHeaders
from vote_api.core.humancheck import HumanCheck, Purposes
from vote_api.core.key_presence import present
from vote_api.core.keys import with_keys
from vote_api.core.limits import Limits, install_limiter
from vote_api.core.nulguard import NulGuard
from vote_api.core.parts import install
from vote_api.core.settings import Settings
from vote_api.core.shedding import InFlightBound, overload_families
from vote_api.core.site_files import mount_site
from vote_api.core.state import Clock, CoreState
from vote_api.core.vendorcheck.registry import build_human_check, vendor_page_policies
from vote_api.objections import admin_router as objections_admin
from vote_api.objections import router as objections
from vote_api.objections.service import Objections
from vote_api.schema import prepare_schema
from vote_api.voting import admin_router as voting_admin
from vote_api.voting import router as voting
from vote_api.voting import standing
from vote_api.voting.ballot_log import router as ballot_log
from vote_api.voting.ballot_log.published import keep_signing
from vote_api.voting.service import Voting, build_voting

API_PREFIX = "/api"
DOCS_PATH = f"{API_PREFIX}/docs"
#: The one route whose body may be large: an objection with its evidence files.
OBJECTION_FILING_PATH = rf"{API_PREFIX}/notices/[^/]+/objections/?"


def build_core(
    settings: Settings,
    clock: Clock,
    captcha_answers: AnswerSource | None,
    human_check: HumanCheck | None,
) -> CoreState:
    """What every part shares: database (at the code's schema), content, keys, human check."""
    contents = ContentHolder(settings.content_roots, allow_demo=settings.demo_dir is not None)
    db = Database(settings.database_url)
    prepare_schema(db.engine, auto_upgrade=settings.auto_upgrade_schema)
    return CoreState(
        settings=settings,
        db=db,
        contents=contents,
        clock=clock,
        sealer=Sealer(settings.encryption_keys),
        human_check=human_check
        or build_human_check(
            settings,
            db,
            BuiltinCaptcha(db, settings.secret, settings.captcha_ttl_seconds, captcha_answers),
        ),
    )


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock = shanghai_now,
    captcha_answers: AnswerSource | None = None,
    human_check: HumanCheck | None = None,
) -> FastAPI:
    """Build the service; ``clock``, ``captcha_answers`` and ``human_check`` are for tests."""
    settings = with_keys(settings or Settings())
    logging.getLogger("vote_api").setLevel(logging.INFO)
    core = build_core(settings, clock, captcha_answers, human_check)
    limits = Limits.from_settings(settings)
    voting_part: Voting = build_voting(core)
    objections_part = Objections.from_settings(settings, core.sealer)
    purposes = Purposes([*voting_part.purposes(), *objections_part.purposes()])

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Full GC passes stop every request; bench/bench_vote.py measured 40-90 ms ones over
        # the startup objects, and 5-10 ms ones twice a second over the rate-limit windows.
        # Startup objects live as long as the process: keep them out of those passes, and
        # make the passes rarer (every 100 middle-generation passes instead of 10).
        gc.freeze()
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, 100)
        drawing.acquire()  # the captcha drawing processes, started and warmed up now
        warming = asyncio.create_task(drawing.warm_up())
        signing = asyncio.get_running_loop().create_task(keep_signing(voting_part))
        # For szmqa rotate-keys (real time, not a test's clock: it tells running from stopped).
        async with present(
            core.db, settings.encryption_keys, shanghai_now, refresh=not core.db.is_sqlite
        ):
            yield
        warming.cancel()
        signing.cancel()
        await voting_part.recorder.close()
        core.db.close()
        drawing.release()

    app = FastAPI(
        title="深圳市市长质量奖 网络投票与异议受理服务",
        version="1.0",
        lifespan=lifespan,
        docs_url=None,  # installed below, from this host's files, outside production
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json",
    )
    install(
        app, settings, core, limits, voting_part, objections_part, purposes, *voting_part.proofs
    )
    app.add_middleware(
        BodyLimit,
        limit_for=api_body_limits(
            API_PREFIX, OBJECTION_FILING_PATH, settings.objection_max_request_bytes
        ),
    )
    app.add_middleware(NulGuard, prefixes=(f"{API_PREFIX}/", "/admin/"))
    # Outermost last: headers on every answer, then cross-site refusals before any body.
    app.add_middleware(CrossSiteGuard, prefix=API_PREFIX)
    app.add_middleware(  # overload: a fast 503 before any other work
        InFlightBound,
        families=overload_families(settings, API_PREFIX),
        retry_after=settings.overload_retry_after_seconds,
    )
    site_policy = SitePolicy(settings.site_dir)
    app.add_middleware(
        SecurityHeaders,
        api_prefix=API_PREFIX,
        site_policy=site_policy,
        policies={DOCS_PATH: DOCS_POLICY, **vendor_page_policies(settings, site_policy)},
    )
    install_error_handlers(app)
    if settings.environment != "production":
        install_docs(app, DOCS_PATH, f"{API_PREFIX}/openapi.json")
    routers = (
        health.router,
        captchas.router,
        voting.router,
        ballot_log.router,
        *voting_part.proofs.routers(),
        standing.router,
        voting_admin.router,
        objections.router,
        objections_admin.router,
    )
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)
    install_limiter(app, limits.limiter, routers)
    install_console(app)
    if settings.site_dir is not None:
        mount_site(app, settings.site_dir)
    return app


def app_from_environment() -> FastAPI:
    """The app configured from SZMQA_* variables (for ``uvicorn --factory`` with workers).

    Content that breaks the rules stops the start with the check's lines, not a traceback;
    in production, so does any blocker of ``szmqa doctor``. Both exit with uvicorn's
    start-failure status, so that its supervisor stops instead of restarting workers forever.
    """
    settings = Settings()
    if settings.environment == "production":
        from szmqa.doctor import refuse_on_blockers  # the deployment's checks, not the service's

        refuse_on_blockers(settings)
    try:
        return create_app(settings)
    except ContentError as error:
        refuse_to_start(error)
        raise
