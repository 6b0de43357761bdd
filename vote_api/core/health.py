"""Liveness: the bare endpoint the benchmark compares against."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel


class HealthOut(BaseModel):
    """Whether the service answers."""

    status: str


router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
async def health() -> HealthOut:
    """Whether the service answers."""
    return HealthOut(status="ok")
