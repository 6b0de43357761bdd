"""The vote API's request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from award.models import VotePeriod, VoterProof
from award.windows import WindowState
from vote_api.core.humancheck import TOKEN_MAX_LENGTH
from vote_api.voting.ballot_log.schemas import InclusionOut
from vote_api.voting.catalog import PERIOD_TEXT, STATE_LABELS, BallotEntry

CandidateId = Annotated[str, Field(min_length=1, max_length=40)]


class CandidateOut(BaseModel):
    """A candidate as published: id and display name."""

    id: str
    name: str


class RuleOut(BaseModel):
    """How often one voter may vote, and how many candidates one vote may choose."""

    period: VotePeriod
    period_text: str
    max_choices: int
    #: How voters are told apart: a verified mobile number, or this browser.
    identity: VoterProof
    identity_text: str


class BallotOut(BaseModel):
    """A ballot: what it is, its candidates, window, rule and state by server time."""

    id: str
    year: int
    title: str
    category: str
    category_label: str
    state: WindowState
    state_label: str
    opens: datetime
    closes: datetime
    window_text: str
    rule: RuleOut
    candidates: list[CandidateOut]
    results_public: bool

    @classmethod
    def of(cls, entry: BallotEntry, now: datetime) -> BallotOut:
        """The public view of a ballot at ``now``."""
        ballot = entry.ballot
        state = entry.state(now)
        return cls(
            id=ballot.id,
            year=entry.year,
            title=entry.title,
            category=ballot.category.value,
            category_label=ballot.category.label,
            state=state,
            state_label=STATE_LABELS[state],
            opens=ballot.opens,
            closes=ballot.closes,
            window_text=entry.window_text,
            rule=RuleOut(
                period=ballot.period,
                period_text=PERIOD_TEXT[ballot.period],
                max_choices=ballot.max_choices,
                identity=ballot.identity,
                identity_text=ballot.identity.label,
            ),
            candidates=[CandidateOut(id=i, name=n) for i, n in entry.candidates.items()],
            results_public=entry.results_public(now),
        )


class BallotList(BaseModel):
    """Every ballot, with the server time they were judged at."""

    now: datetime
    ballots: list[BallotOut]


class VoteIn(BaseModel):
    """A vote: the chosen candidate ids, and the captcha answered for this ballot.

    A ballot whose voters prove themselves first (phone, WeChat) takes no captcha: the
    verified proof stands in for it (one human check per vote, at the SMS send).
    """

    model_config = ConfigDict(extra="forbid")

    captcha_id: Annotated[str | None, Field(min_length=1, max_length=TOKEN_MAX_LENGTH)] = None
    captcha_answer: Annotated[str | None, Field(min_length=1, max_length=20)] = None
    candidates: Annotated[list[CandidateId], Field(max_length=20)]


class VoteAccepted(BaseModel):
    """An accepted vote: the receipt code, shown only this once."""

    receipt: str
    receipt_digest: str
    ballot_id: str
    voted_at: datetime
    message: str


class ReceiptQuery(BaseModel):
    """A receipt lookup with the code in the body (never in a URL that logs keep)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64)


class ReceiptOut(BaseModel):
    """What a receipt proves: the vote was recorded and whether it counts."""

    receipt_digest: str
    ballot_id: str
    ballot_title: str
    voted_at: datetime
    counted: bool
    invalidated_reason: str | None = None
    candidates: list[CandidateOut] | None = None
    message: str
    #: The vote's leaf in the ballot log and its proof, once a signed checkpoint covers it.
    log: InclusionOut | None = None


class CandidateResult(BaseModel):
    """A candidate's count and the receipt digests behind it, and its invalidated votes."""

    id: str
    name: str
    count: int
    share: float
    receipt_digests: list[str]
    invalidated: int = 0


class InvalidatedReceipt(BaseModel):
    """An invalidated vote's receipt digest and why, by category."""

    receipt_digest: str
    category: str
    category_label: str


class ResultsOut(BaseModel):
    """A ballot's published tally: counts per candidate and every counted receipt digest."""

    ballot_id: str
    title: str
    state: WindowState
    final: bool
    counted_votes: int
    candidates: list[CandidateResult]
    invalidated_receipt_digests: list[str]
    invalidated: list[InvalidatedReceipt] = []
    how_to_verify: str


class InvalidateIn(BaseModel):
    """Why a vote is set aside (recorded in the audit log)."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=500)]


class InvalidatedOut(BaseModel):
    """The vote set aside."""

    vote_id: int
    ballot_id: str
    receipt_digest: str
    reason: str


class AdminCandidateCount(BaseModel):
    """A candidate's live count."""

    id: str
    name: str
    count: int


class AdminTallyOut(BaseModel):
    """The live tally for the secretariat, whatever the ballot's state."""

    ballot_id: str
    title: str
    state: WindowState
    counted_votes: int
    invalidated_votes: int
    candidates: list[AdminCandidateCount]
    votes_per_period: dict[str, int]


class AuditEntryOut(BaseModel):
    """One audit log entry."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, object]


class ClusterOut(BaseModel):
    """A cluster of suspicious votes: what they share, how many, how they split."""

    id: str
    kind: str
    kind_label: str
    description: str
    size: int
    share_of_ballot: float
    first_at: datetime
    last_at: datetime
    split: dict[str, int]
    divergence: float
    score: float
    sample_vote_ids: list[int]


class AnomaliesOut(BaseModel):
    """A ballot's clusters, most suspicious first, beside its overall split."""

    ballot_id: str
    counted_votes: int
    overall_split: dict[str, int]
    clusters: list[ClusterOut]


class ClusterInvalidateIn(BaseModel):
    """Which cluster to set aside, and why (recorded with every vote it touches)."""

    model_config = ConfigDict(extra="forbid")

    cluster_id: Annotated[str, Field(min_length=3, max_length=80)]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=500)]


class ClusterInvalidatedOut(BaseModel):
    """The votes a cluster invalidation set aside."""

    ballot_id: str
    cluster_id: str
    kind: str
    reason: str
    invalidated_vote_ids: list[int]
