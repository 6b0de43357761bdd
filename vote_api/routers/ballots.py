"""The ballots: list and detail from the award data, with their state by server time."""

from __future__ import annotations

from fastapi import APIRouter

from vote_api.deps import NowDep
from vote_api.voting.catalog import CatalogDep
from vote_api.voting.schemas import BallotList, BallotOut


def build_router() -> APIRouter:
    """The ballots router (read-only, cheap, not rate-limited)."""
    router = APIRouter(tags=["ballots"])

    @router.get("/ballots", response_model=BallotList)
    async def list_ballots(catalog: CatalogDep, now: NowDep) -> BallotList:
        """Every ballot: candidates, window, rule and whether it is upcoming, open or closed."""
        return BallotList(now=now, ballots=[BallotOut.of(entry, now) for entry in catalog])

    @router.get("/ballots/{ballot_id}", response_model=BallotOut)
    async def get_ballot(ballot_id: str, catalog: CatalogDep, now: NowDep) -> BallotOut:
        """One ballot; 404 for an unknown id."""
        return BallotOut.of(catalog.get(ballot_id), now)

    return router
