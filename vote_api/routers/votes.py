"""Casting a vote, and checking a receipt."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from slowapi import Limiter

from vote_api.client import request_address
from vote_api.errors import APIError
from vote_api.limiter import RECEIPT_LIMIT, VOTE_LIMIT
from vote_api.voting.casting import Submission, cast_vote
from vote_api.voting.catalog import moment_words
from vote_api.voting.receipts import normalise_receipt, receipt_digest
from vote_api.voting.schemas import CandidateOut, ReceiptOut, VoteAccepted, VoteIn
from vote_api.voting.service import VotingDep, voting_for
from vote_api.voting.tally import find_receipt

#: The refusals of a vote, for the API documentation (each body is {code, message}).
VOTE_REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "验证码错误、失效或过期；未选择、重复选择、选择过多或不在名单中的候选对象"
    },
    403: {"description": "投票尚未开始（ballot_not_open）或已经截止（ballot_closed）"},
    404: {"description": "没有这个投票"},
    409: {"description": "本期已经投过票（already_voted）"},
    422: {"description": "请求格式不正确或含有不接受的字段"},
    429: {"description": "请求过于频繁，或所在网络地址今天的投票次数已达上限（Retry-After）"},
}

RECEIPT_NOT_FOUND = (
    "没有找到这个回执码。请核对后重新输入（回执码形如 ACDE-FHJK-MNPR-TUVW，不区分大小写）"
)


def build_router(limiter: Limiter) -> APIRouter:
    """The votes router, limited per client address."""
    router = APIRouter(tags=["votes"])

    @router.post(
        "/ballots/{ballot_id}/votes",
        status_code=201,
        response_model=VoteAccepted,
        responses=VOTE_REFUSALS,
    )
    @limiter.limit(VOTE_LIMIT)
    async def vote(request: Request, ballot_id: str, body: VoteIn) -> Response:
        """Cast a vote: captcha, window, choices, daily cap per address, one per voter per period.

        The hot path: the app's parts are looked up directly rather than as dependencies, and
        the answer is serialised once (measured by bench/bench_vote.py).
        """
        voting = voting_for(request.app)
        entry = voting.catalog.get(ballot_id)
        voter = voting.identity.identify(request)
        address = request_address(request)
        now = voting.now()
        submission = Submission(
            entry=entry,
            candidates=body.candidates,
            captcha_id=body.captcha_id,
            captcha_answer=body.captcha_answer,
            voter_key=voter.key,
            address_key=voting.address_key(address),
        )
        daily_cap = voting.daily_cap(entry.id, entry.ballot.daily_cap_per_address, address)
        outcome = await voting.writer.write(
            lambda session: cast_vote(
                session, submission, captcha=voting.captcha, now=now, daily_cap=daily_cap
            )
        )
        if isinstance(outcome, APIError):
            raise outcome
        accepted = VoteAccepted(
            receipt=outcome.receipt,
            receipt_digest=receipt_digest(outcome.receipt),
            ballot_id=entry.id,
            voted_at=outcome.at,
            message=(
                f"投票成功，已计入“{entry.title}”。您的回执码是 {outcome.receipt}，"
                "只显示这一次，请抄下或截图保存；凭回执码可随时查询这张选票是否被计入。"
            ),
        )
        response = Response(
            accepted.model_dump_json(), status_code=201, media_type="application/json"
        )
        voting.identity.remember(request, response, voter)
        return response

    @router.get("/receipts/{code}", response_model=ReceiptOut)
    @limiter.limit(RECEIPT_LIMIT)
    async def check_receipt(request: Request, code: str, voting: VotingDep) -> ReceiptOut:
        """Whether a receipt's vote was recorded and counts; its choices only once results are public."""
        canonical = normalise_receipt(code)
        if canonical is None:
            raise APIError(404, "receipt_not_found", RECEIPT_NOT_FOUND)
        digest = receipt_digest(canonical)
        found = await voting.db.run(lambda session: find_receipt(session, digest))
        if found is None:
            raise APIError(404, "receipt_not_found", RECEIPT_NOT_FOUND)
        entry = voting.catalog.get(found.ballot_id)
        when = moment_words(found.at)
        if found.invalidated_at is not None:
            message = (
                f"这张选票于 {when} 投出，已被秘书处作废，不计入结果。"
                f"原因：{found.invalidated_reason}"
            )
        else:
            message = f"这张选票于 {when} 投出，已记录并计入“{entry.title}”的结果。"
        show = entry.results_public(voting.now())
        return ReceiptOut(
            receipt_digest=digest,
            ballot_id=entry.id,
            ballot_title=entry.title,
            voted_at=found.at,
            counted=found.invalidated_at is None,
            invalidated_reason=found.invalidated_reason,
            candidates=(
                [CandidateOut(id=c, name=entry.candidates.get(c, c)) for c in found.candidates]
                if show
                else None
            ),
            message=message,
        )

    return router
