"""A ballot's published results: counts and the receipt digests behind them."""

from __future__ import annotations

from fastapi import APIRouter

from award.windows import WindowState
from vote_api.deps import DatabaseDep, NowDep
from vote_api.errors import APIError
from vote_api.voting.catalog import CatalogDep, moment_words
from vote_api.voting.schemas import CandidateResult, ResultsOut
from vote_api.voting.tally import tally

HOW_TO_VERIFY = (
    "每个候选对象下列出计入其得票的全部回执摘要（回执码的 SHA-256）。"
    "用 printf %s 回执码 | sha256sum 计算自己回执码的摘要即可核对；逐一清点摘要即可复核票数。"
)


def build_router() -> APIRouter:
    """The results router."""
    router = APIRouter(tags=["results"])

    @router.get("/ballots/{ballot_id}/results", response_model=ResultsOut)
    async def results(
        ballot_id: str, catalog: CatalogDep, db: DatabaseDep, now: NowDep
    ) -> ResultsOut:
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
                )
                for item in counted.candidates
            ],
            invalidated_receipt_digests=counted.invalidated_receipts,
            how_to_verify=HOW_TO_VERIFY,
        )

    return router
