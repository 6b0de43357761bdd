"""The ballot log's public routes: the signing key, checkpoints, proofs, and the leaves."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlmodel import Session

from vote_api.core.errors import APIError
from vote_api.core.limits import RECEIPT_LIMIT, rate_limit
from vote_api.core.merkle import ProofError
from vote_api.voting.ballot_log.leaves import (
    LogGapError,
    leaf_of_receipt,
    read_leaves,
    stored_size,
)
from vote_api.voting.ballot_log.published import DAMAGED, refresh
from vote_api.voting.ballot_log.schemas import (
    CheckpointOut,
    CheckpointsOut,
    ConsistencyOut,
    InclusionOut,
    LeavesOut,
    LogKeyOut,
    b64,
)
from vote_api.voting.catalog import BallotEntry, moment_words
from vote_api.voting.deps import voting_of
from vote_api.voting.service import Voting

router = APIRouter(tags=["ballot log"], dependencies=[rate_limit(RECEIPT_LIMIT)])

MAX_SIZE = 2_147_483_647
#: The most leaves one page of ``/log/leaves`` gives.
MAX_PAGE = 20_000
DIGEST = r"^[0-9a-f]{64}$"


def _entry(request: Request, ballot_id: str) -> tuple[Voting, BallotEntry]:
    voting = voting_of(request.app)
    return voting, voting.catalog.get_public(ballot_id, voting.now())


@router.get("/ballot-log/key", response_model=LogKeyOut)
async def log_key(request: Request) -> LogKeyOut:
    """The public key that signs every ballot log's checkpoints (C2SP verifier key)."""
    log = voting_of(request.app).ballot_log
    return LogKeyOut(
        name=log.name,
        verifier_key=log.vkey,
        message="本网站每项投票的日志检查点都用这个 Ed25519 密钥签署；核对时请与网站公布的公钥比对。",
    )


@router.get("/ballots/{ballot_id}/checkpoints", response_model=CheckpointsOut)
async def checkpoints(request: Request, ballot_id: str) -> CheckpointsOut:
    """Every signed checkpoint of the ballot's log, oldest first (a due one is made first)."""
    voting, entry = _entry(request, ballot_id)

    def work(session: Session) -> CheckpointsOut:
        refresh(session, voting, entry)
        stored = voting.ballot_log.checkpoints(session, entry.id)
        return CheckpointsOut(
            ballot_id=entry.id,
            origin=voting.ballot_log.origin(entry.id),
            verifier_key=voting.ballot_log.vkey,
            checkpoints=[CheckpointOut.of(item) for item in stored],
        )

    return await voting.db.run(work)


@router.get(
    "/ballots/{ballot_id}/log/inclusion",
    response_model=InclusionOut,
    responses={404: {"description": "没有这个回执摘要，或还没有检查点涵盖这张选票"}},
)
async def inclusion(
    request: Request,
    ballot_id: str,
    receipt_digest: Annotated[str, Query(pattern=DIGEST)],
    size: Annotated[int | None, Query(ge=1, le=MAX_SIZE)] = None,
) -> InclusionOut:
    """The vote leaf of a receipt digest and its proof against a checkpoint (default: latest)."""
    voting, entry = _entry(request, ballot_id)

    def work(session: Session) -> InclusionOut:
        found = leaf_of_receipt(session, receipt_digest)
        if found is None or found[0] != entry.id:
            raise APIError(
                404, "receipt_not_in_log", "本投票的日志中没有这个回执摘要，请核对回执码"
            )
        refresh(session, voting, entry)
        try:
            proven = voting.ballot_log.inclusion(session, entry.id, found[1], size)
        except LogGapError:
            voting.ballot_log.forget(entry.id)
            raise APIError(503, "log_damaged", DAMAGED) from None
        if proven is None:
            raise APIError(
                404,
                "not_yet_checkpointed",
                "这张选票已记入日志，但还没有签署的检查点涵盖它（检查点至少每 "
                f"{voting.ballot_log.interval.seconds // 60} 分钟一次），请稍后再核对",
            )
        return InclusionOut.of(entry.id, proven, voting.ballot_log.vkey)

    return await voting.db.run(work)


@router.get(
    "/ballots/{ballot_id}/log/consistency",
    response_model=ConsistencyOut,
    responses={400: {"description": "树的大小不合要求"}},
)
async def consistency(
    request: Request,
    ballot_id: str,
    first: Annotated[int, Query(ge=0, le=MAX_SIZE)],
    second: Annotated[int, Query(ge=0, le=MAX_SIZE)],
) -> ConsistencyOut:
    """The proof that the log's first ``first`` leaves are the first of its ``second`` leaves."""
    voting, entry = _entry(request, ballot_id)

    def work(session: Session) -> ConsistencyOut:
        try:
            proof = voting.ballot_log.consistency(session, entry.id, first, second)
        except LogGapError:
            voting.ballot_log.forget(entry.id)
            raise APIError(503, "log_damaged", DAMAGED) from None
        except ProofError:
            raise APIError(
                400,
                "bad_tree_size",
                "树的大小不合要求：first 不能大于 second，second 不能大于日志现有的记录数",
            ) from None
        return ConsistencyOut(ballot_id=entry.id, first=first, second=second, proof=b64(proof))

    return await voting.db.run(work)


@router.get(
    "/ballots/{ballot_id}/log/leaves",
    response_model=LeavesOut,
    responses={403: {"description": "投票截止后公布全部记录"}},
)
async def leaves(
    request: Request,
    ballot_id: str,
    start: Annotated[int, Query(ge=0, le=MAX_SIZE)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
) -> LeavesOut:
    """A page of the log's leaves (every vote and invalidation), once results are public."""
    voting, entry = _entry(request, ballot_id)
    if not entry.results_public(voting.now()):
        closes = moment_words(entry.ballot.closes, as_end=True)
        raise APIError(
            403, "log_hidden", f"“{entry.title}”投票截止（{closes}）后公布日志的全部记录"
        )

    def work(session: Session) -> LeavesOut:
        refresh(session, voting, entry)
        return LeavesOut(
            ballot_id=entry.id,
            origin=voting.ballot_log.origin(entry.id),
            size=stored_size(session, entry.id),
            start=start,
            leaves=read_leaves(session, entry.id, start, limit, check=False),
        )

    return await voting.db.run(work)
