"""Liveness: the bare endpoint the benchmark compares against."""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    """The health router."""
    router = APIRouter(tags=["health"])

    @router.get("/health")
    async def health() -> dict[str, str]:
        """Whether the service answers."""
        return {"status": "ok"}

    return router
