"""Liveness: the bare endpoint the benchmark compares against, and whether limits are shared."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from vote_api.core.limits import Limits, storage_degraded
from vote_api.core.parts import part


class HealthOut(BaseModel):
    """Whether the service answers, and whether the shared rate-limit storage is reachable."""

    status: Literal["ok", "degraded"]
    rate_limit_storage: Literal["ok", "unreachable"]


router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
async def health(request: Request) -> HealthOut:
    """``ok``, or ``degraded`` while the rate-limit storage (Redis) is unreachable."""
    degraded = storage_degraded(part(request.app, Limits).limiter)
    return HealthOut(
        status="degraded" if degraded else "ok",
        rate_limit_storage="unreachable" if degraded else "ok",
    )
