"""Whether this browser's voter has already voted in a ballot this period, asked before the
vote page shows a captcha, so that nobody solves one only to be refused."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from award.windows import WindowState
from vote_api.core.limits import RECEIPT_LIMIT, rate_limit
from vote_api.voting.casting import already_voted
from vote_api.voting.deps import voting_of
from vote_api.voting.models import Vote

router = APIRouter(tags=["votes"])


class StandingOut(BaseModel):
    """The voter's standing in a ballot: may they vote now, and if not, why."""

    ballot_id: str
    voted: bool
    message: str | None = None
    #: On a ballot whose voters prove themselves first (phone, WeChat): whether this browser
    #: holds a verified proof (the name is kept from the first, phone-only release).
    phone_verified: bool | None = None


def has_voted(session: Session, ballot_id: str, voter_key: str, period_key: str) -> bool:
    """Whether a vote of this voter is stored for the ballot and period."""
    row = session.execute(
        select(col(Vote.id)).where(
            col(Vote.ballot_id) == ballot_id,
            col(Vote.voter_key) == voter_key,
            col(Vote.period_key) == period_key,
        )
    ).first()
    return row is not None


@router.get(
    "/ballots/{ballot_id}/standing",
    response_model=StandingOut,
    dependencies=[rate_limit(RECEIPT_LIMIT)],
)
async def standing(request: Request, ballot_id: str) -> StandingOut:
    """Whether this browser's voter (its verified number on a phone ballot) has voted this period."""
    voting = voting_of(request.app)
    entry = voting.catalog.get(ballot_id)
    now = voting.now()
    method = voting.proofs[entry.ballot.identity]
    proof = method.known(request, now, voting.device.identify(request))
    verified = (proof is not None) if method.verifies else None
    if proof is None or entry.ballot.window.state(now) is not WindowState.OPEN:
        return StandingOut(ballot_id=entry.id, voted=False, phone_verified=verified)
    voter_key = proof.voter_key
    period = entry.period_key(now)
    voted = await voting.db.run(lambda session: has_voted(session, entry.id, voter_key, period))
    message = already_voted(entry).message if voted else None
    return StandingOut(ballot_id=entry.id, voted=voted, message=message, phone_verified=verified)
