"""Casting a vote: the checks, in order, and the transaction work that records it.

Every vote request that names an existing ballot uses up its captcha, right or wrong and
whatever else is refused: the captcha's deletion and the vote (in a SAVEPOINT of its own)
belong to one transaction, which the caller commits whether the vote is accepted or
refused. A refusal never leaves a half-written vote; an accepted vote costs one commit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlmodel import Session

from award.models import VotePeriod
from award.moments import SHANGHAI
from vote_api.core import rawsql
from vote_api.core.captcha import CaptchaService
from vote_api.core.errors import APIError
from vote_api.voting.catalog import BallotEntry
from vote_api.voting.models import join_choices
from vote_api.voting.receipts import new_receipt, receipt_digest

_INSERT_VOTE = rawsql.RawSQL(
    "INSERT INTO vote (ballot_id, voter_key, period_key, choices, receipt_digest, created_at,"
    " address_key, network_key, agent_key, device_key, phone_segment, phone_block)"
    " VALUES (:ballot_id, :voter_key, :period_key, :choices, :receipt_digest, :created_at,"
    " :address_key, :network_key, :agent_key, :device_key, :phone_segment, :phone_block)"
)
#: One more vote for the ballot, network and Beijing day; returns the day's count so far.
_COUNT_NETWORK_DAY = rawsql.RawSQL(
    "INSERT INTO vote_network_day (ballot_id, network_key, day, votes)"
    " VALUES (:ballot_id, :network_key, :day, 1)"
    " ON CONFLICT (ballot_id, network_key, day) DO UPDATE SET votes = vote_network_day.votes + 1"
    " RETURNING votes"
)


class _CapReached(Exception):
    """Leaves the vote's savepoint (rolling the row back) when the daily cap is reached."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Traits:
    """What review keeps of a vote's sender: keyed hashes, and a phone number's prefix."""

    address_key: str
    network_key: str
    agent_key: str
    device_key: str | None = None
    phone_segment: str | None = None
    phone_block: str | None = None


@dataclass(frozen=True)
class Submission:
    """A vote as the voter sent it, and who sent it (as keyed hashes)."""

    entry: BallotEntry
    candidates: list[str]
    captcha_id: str
    captcha_answer: str
    voter_key: str
    traits: Traits


@dataclass(frozen=True)
class Accepted:
    """An accepted vote: its receipt code (shown once), when, and the period it counts in."""

    receipt: str
    at: datetime
    period_key: str


def beijing_day(now: datetime) -> str:
    """The calendar day of a moment in Beijing time, as the daily cap counts it."""
    return now.astimezone(SHANGHAI).date().isoformat()


def seconds_to_next_day(now: datetime) -> int:
    """Seconds until the next midnight in Beijing time."""
    local = now.astimezone(SHANGHAI)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=SHANGHAI)
    return max(1, math.ceil((midnight - local).total_seconds()))


def refuse_bad_choices(entry: BallotEntry, candidates: list[str]) -> None:
    """Refuse an empty, repeated, unknown or too large set of choices."""
    if not candidates:
        raise APIError(400, "no_choice", "请至少选择一个候选对象后再投票")
    if len(set(candidates)) != len(candidates):
        raise APIError(400, "duplicate_choice", "同一候选对象只能选择一次，请检查后重新提交")
    unknown = [c for c in candidates if c not in entry.candidates]
    if unknown:
        raise APIError(
            400,
            "unknown_candidate",
            f"候选对象 {'、'.join(unknown[:3])} 不在本次投票的候选名单中，请刷新页面后重新选择",
        )
    limit = entry.ballot.max_choices
    if len(candidates) > limit:
        raise APIError(
            400,
            "too_many_choices",
            f"本投票每票最多选择 {limit} 个候选对象，您选择了 {len(candidates)} 个，请减少后重新提交",
        )


def already_voted(entry: BallotEntry) -> APIError:
    """The refusal of a second vote in the same period, saying whether they may vote again."""
    if entry.ballot.period is VotePeriod.DAY:
        message = (
            f"您今天已经在“{entry.title}”中投过票了。"
            "本投票每人每天可投一次，请明天（北京时间 0 点以后）再来"
        )
    else:
        message = f"您已经在“{entry.title}”中投过票了。本投票在整个投票期内每人只能投一次"
    return APIError(409, "already_voted", message)


def daily_cap_reached(entry: BallotEntry, retry_after: int) -> APIError:
    """The refusal once an address has cast the ballot's daily number of votes."""
    return APIError(
        429,
        "daily_cap_reached",
        f"您所在的网络今天在“{entry.title}”中计入的票数已达上限（每个网络每天 "
        f"{entry.ballot.daily_cap_per_address} 票），请明天（北京时间 0 点以后）再来",
        {"Retry-After": str(retry_after)},
    )


def cast_vote(
    session: Session,
    vote: Submission,
    *,
    captcha: CaptchaService,
    now: datetime,
) -> Accepted | APIError:
    """Consume the captcha, check the vote and record it; return the receipt or the refusal.

    Does not commit: the caller commits in both cases, so the captcha stays used up.
    """
    entry = vote.entry
    wrong_captcha: APIError | None = None
    try:
        captcha.check(session, vote.captcha_id, vote.captcha_answer, f"vote:{entry.id}", now)
    except APIError as refusal:
        wrong_captcha = refusal
    try:
        entry.refuse_outside_window(now)
        refuse_bad_choices(entry, vote.candidates)
    except APIError as refusal:
        return refusal
    if wrong_captcha is not None:
        return wrong_captcha
    receipt = new_receipt()
    period_key = entry.period_key(now)
    traits = vote.traits
    try:
        with rawsql.savepoint(session, "szmqa_vote"):
            rawsql.execute(
                session,
                _INSERT_VOTE,
                {
                    "ballot_id": entry.id,
                    "voter_key": vote.voter_key,
                    "period_key": period_key,
                    "choices": join_choices(vote.candidates),
                    "receipt_digest": receipt_digest(receipt),
                    "created_at": rawsql.moment(session, now),
                    "address_key": traits.address_key,
                    "network_key": traits.network_key,
                    "agent_key": traits.agent_key,
                    "device_key": traits.device_key,
                    "phone_segment": traits.phone_segment,
                    "phone_block": traits.phone_block,
                },
            )
            # Counted only for a vote that would be stored; refusing rolls both rows back.
            counted = rawsql.execute(
                session,
                _COUNT_NETWORK_DAY,
                {"ballot_id": entry.id, "network_key": traits.network_key, "day": beijing_day(now)},
            ).fetchone()[0]
            if counted > entry.ballot.daily_cap_per_address:
                raise _CapReached(seconds_to_next_day(now))
    except rawsql.integrity_error(session):
        return already_voted(entry)
    except _CapReached as cap:
        return daily_cap_reached(entry, cap.retry_after)
    return Accepted(receipt=receipt, at=now, period_key=period_key)
