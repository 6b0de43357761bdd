"""The vote routes' dependencies, as ``Annotated`` aliases (see ``vote_api.core.deps``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.applications import Starlette

from vote_api.core.parts import dependency, part
from vote_api.voting.catalog import BallotCatalog
from vote_api.voting.service import Voting


def voting_of(app: Starlette) -> Voting:
    """The voting's part of an app built by ``create_app``."""
    return part(app, Voting)


async def get_catalog(voting: Annotated[Voting, Depends(dependency(Voting))]) -> BallotCatalog:
    """The ballots the service knows."""
    return voting.catalog


VotingDep = Annotated[Voting, Depends(dependency(Voting))]
CatalogDep = Annotated[BallotCatalog, Depends(get_catalog)]
