"""Liveness: whether the database answers and whether the rate limits are shared.

The database is probed at most once a second per worker (``Database.reachable``), so the
endpoint stays cheap enough to poll and to benchmark against.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from vote_api.core.errors import DATABASE_RETRY_AFTER
from vote_api.core.limits import Limits, storage_degraded
from vote_api.core.parts import part
from vote_api.core.state import core_state


class HealthOut(BaseModel):
    """Whether the service answers, and whether the database and rate-limit storage do."""

    status: Literal["ok", "degraded"]
    database: Literal["ok", "unreachable"]
    rate_limit_storage: Literal["ok", "unreachable"]


router = APIRouter(tags=["health"])


@router.get(
    "/health",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "数据库无法连接（degraded）"}},
)
async def health(request: Request, response: Response) -> HealthOut:
    """``ok``; ``degraded`` while Redis is unreachable; 503 ``degraded`` while the database is."""
    database = await core_state(request.app).db.reachable()
    limits_shared = not storage_degraded(part(request.app, Limits).limiter)
    if not database:
        response.status_code = 503
        response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return HealthOut(
        status="ok" if database and limits_shared else "degraded",
        database="ok" if database else "unreachable",
        rate_limit_storage="ok" if limits_shared else "unreachable",
    )
