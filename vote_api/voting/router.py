"""The public vote routes: ballots, casting a vote, receipts and published results."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from award.windows import WindowState
from vote_api.core.client import request_address
from vote_api.core.deps import DatabaseDep, NowDep
from vote_api.core.errors import APIError
from vote_api.core.humancheck import HumanAnswer, Ticket
from vote_api.core.limits import RECEIPT_LIMIT, VOTE_LIMIT, rate_limit
from vote_api.voting.anomalies import CATEGORY_LABELS
from vote_api.voting.ballot_log.published import checkpoint_after_vote, receipt_inclusion
from vote_api.voting.casting import Submission, outcome_of, prepare
from vote_api.voting.catalog import moment_words
from vote_api.voting.deps import CatalogDep, VotingDep, voting_of
from vote_api.voting.receipts import normalise_receipt, receipt_digest
from vote_api.voting.schemas import (
    BallotList,
    BallotOut,
    CandidateOut,
    CandidateResult,
    InvalidatedReceipt,
    ReceiptOut,
    ReceiptQuery,
    ResultsOut,
    VoteAccepted,
    VoteIn,
)
from vote_api.voting.service import Voting
from vote_api.voting.tally import find_receipt, tally

#: The refusals of a vote, for the API documentation (each body is {code, message}).
VOTE_REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "验证码未填、错误、失效或过期（手机号码投票不需要验证码）；"
        "未选择、重复选择、选择过多或不在名单中的候选对象"
    },
    401: {
        "description": "手机号码投票须先验证手机号码（phone_not_verified），"
        "微信投票须先在微信中确认身份（wechat_not_verified）"
    },
    403: {
        "description": "投票尚未开始（ballot_not_open）、已经截止（ballot_closed），或号码属于本投票不接受的号段"
    },
    404: {"description": "没有这个投票"},
    409: {"description": "本期已经投过票（already_voted）"},
    422: {"description": "请求格式不正确或含有不接受的字段"},
    429: {"description": "请求过于频繁，或所在网络地址今天的投票次数已达上限（Retry-After）"},
}

RECEIPT_NOT_FOUND = (
    "没有找到这个回执码。请核对后重新输入（回执码形如 ACDE-FHJK-MNPR-TUVW，不区分大小写）"
)


HOW_TO_VERIFY = (
    "每个候选对象下列出计入其得票的全部回执摘要（回执码的 SHA-256）。"
    "在网络投票页面“结果怎样核对”中输入回执码，浏览器即算出其摘要（大写、带短横线的回执码的"
    " SHA-256）并在结果中查找；逐一清点摘要即可复核票数。"
)

CAPTCHA_MISSING = "请输入验证码后再投票（看不清可点“换一张”，或点“语音验证码”收听）"

router = APIRouter(tags=["votes"])


def captcha_answer(body: VoteIn, address: str) -> HumanAnswer:
    """The vote's captcha answer (or vendor token) from this address, or a 400 asking for it."""
    if body.captcha_id is None or body.captcha_answer is None:
        raise APIError(400, "captcha_missing", CAPTCHA_MISSING)
    return HumanAnswer(body.captcha_id, body.captcha_answer, address)


def proven_ticket(scope: str) -> Ticket:
    """The ticket of a vote whose voter proved themself: nothing left to check or use up."""
    return Ticket(challenge_id=None, answer_hash=None, scope=scope)


@router.post(
    "/ballots/{ballot_id}/votes",
    status_code=201,
    response_model=VoteAccepted,
    responses=VOTE_REFUSALS,
    dependencies=[rate_limit(VOTE_LIMIT)],
)
async def vote(request: Request, ballot_id: str, body: VoteIn) -> Response:
    """Cast a vote: human check, window, choices, daily cap per network, one per voter per period.

    On a ballot whose voters prove themselves first (phone, WeChat) the verified proof
    stands in for the human check: the check guarded the SMS send (one check per vote).

    The hot path: the app's parts are looked up directly rather than as dependencies, and
    the answer is serialised once (measured by bench/bench_vote.py).
    """
    voting = voting_of(request.app)
    entry = voting.catalog.get(ballot_id)
    device = voting.device.identify(request)  # read on every ballot: a review signal
    now = voting.now()
    method = voting.proofs[entry.ballot.identity]
    proof = method.prove(request, entry.ballot, now, device)
    address = request_address(request)
    traits = voting.traits(request, address, device.key, proof)
    scope = f"vote:{entry.id}"
    submission = Submission(
        entry=entry,
        candidates=body.candidates,
        ticket=(
            proven_ticket(scope)
            if method.verifies
            else await voting.human_check.ticket(captcha_answer(body, address), scope, now)
        ),
        voter_key=proof.voter_key,
        traits=traits,
    )
    paper = prepare(submission, now=now)
    outcome = outcome_of(paper, await voting.writer.write(paper))
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
    response = Response(accepted.model_dump_json(), status_code=201, media_type="application/json")
    voting.device.remember(request, response, device)
    await checkpoint_after_vote(voting, entry)
    return response


@router.get("/receipts/{code}", response_model=ReceiptOut, dependencies=[rate_limit(RECEIPT_LIMIT)])
async def check_receipt(request: Request, code: str, voting: VotingDep) -> ReceiptOut:
    """Whether a receipt's vote was recorded and counts; its choices only once results are public."""
    return await receipt_answer(code, voting)


@router.post("/receipts", response_model=ReceiptOut, dependencies=[rate_limit(RECEIPT_LIMIT)])
async def check_receipt_in_body(
    request: Request, body: ReceiptQuery, voting: VotingDep
) -> ReceiptOut:
    """The same, the code in the body: no proxy or server log keeps it (the site's lookup)."""
    return await receipt_answer(body.code, voting)


async def receipt_answer(code: str, voting: Voting) -> ReceiptOut:
    """Whether a receipt's vote was recorded and counts; its choices only once results are public."""
    canonical = normalise_receipt(code)
    if canonical is None:
        raise APIError(404, "receipt_not_found", RECEIPT_NOT_FOUND)
    digest = receipt_digest(canonical)
    found = await voting.db.run(lambda session: find_receipt(session, digest))
    if found is None:
        raise APIError(404, "receipt_not_found", RECEIPT_NOT_FOUND)
    entry = voting.catalog.get(found.ballot_id)
    in_log = await voting.db.run(lambda session: receipt_inclusion(session, voting, entry, digest))
    when = moment_words(found.at)
    if found.invalidated_at is not None:
        message = (
            f"这张选票于 {when} 投出，已被秘书处作废，不计入结果。原因：{found.invalidated_reason}"
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
        log=in_log,
    )


@router.get("/ballots", response_model=BallotList)
async def list_ballots(catalog: CatalogDep, now: NowDep) -> BallotList:
    """Every ballot: candidates, window, rule and whether it is upcoming, open or closed."""
    shown = [BallotOut.of(entry, now) for entry in catalog if entry.is_public(now)]
    return BallotList(now=now, ballots=shown)


@router.get("/ballots/{ballot_id}", response_model=BallotOut)
async def get_ballot(ballot_id: str, catalog: CatalogDep, now: NowDep) -> BallotOut:
    """One ballot; 404 for an unknown id or one whose candidates are not yet public."""
    return BallotOut.of(catalog.get_public(ballot_id, now), now)


@router.get("/ballots/{ballot_id}/results", response_model=ResultsOut)
async def results(ballot_id: str, catalog: CatalogDep, db: DatabaseDep, now: NowDep) -> ResultsOut:
    """Counts per candidate and their receipt digests; hidden while open unless the ballot shows them."""
    entry = catalog.get(ballot_id)
    if not entry.results_public(now):
        closes = moment_words(entry.ballot.closes, as_end=True)
        raise APIError(
            403,
            "results_hidden",
            f"“{entry.title}”投票截止（{closes}）后公布结果，届时可在本页查看",
        )
    counted = await db.run(lambda session: tally(session, entry))
    total = sum(item.count for item in counted.candidates)
    state = entry.state(now)
    return ResultsOut(
        ballot_id=entry.id,
        title=entry.title,
        state=state,
        final=state is WindowState.CLOSED,
        counted_votes=counted.counted_votes,
        candidates=[
            CandidateResult(
                id=item.id,
                name=item.name,
                count=item.count,
                share=round(item.count / total, 4) if total else 0.0,
                receipt_digests=item.receipts,
                invalidated=item.invalidated,
            )
            for item in counted.candidates
        ],
        invalidated_receipt_digests=counted.invalidated_receipts,
        invalidated=[
            InvalidatedReceipt(
                receipt_digest=digest,
                category=category,
                category_label=CATEGORY_LABELS.get(category, category),
            )
            for digest, category in counted.invalidated_categories
        ],
        how_to_verify=HOW_TO_VERIFY,
    )
