"""Casting a vote: what the service checks itself, the row it sends, and what the voter is told.

Every vote request that names an existing ballot uses up its human check, right or wrong and
whatever else is refused. The service checks the window and the choices, takes the human
check's ticket (the built-in captcha's: the challenge and the keyed hash of the typed answer;
a vendor's check is verified before, see ``vote_api.core.humancheck``), and prepares the row
(a ``Paper``); the database then uses up the captcha, judges it, and inserts the vote and
counts it toward the daily cap, or refuses it (``vote_api.voting.recording``). A refusal
never leaves a half-written vote.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from award.models import VotePeriod
from award.moments import SHANGHAI
from vote_api.core.captcha.service import captcha_refusal
from vote_api.core.errors import APIError
from vote_api.core.humancheck import Ticket
from vote_api.voting.catalog import BallotEntry
from vote_api.voting.models import join_choices
from vote_api.voting.receipts import new_receipt, receipt_digest

#: The database's outcomes of a vote besides the captcha's (see ``verdict``).
ACCEPTED = "accepted"
CONSUMED = "consumed"
ALREADY_VOTED = "already_voted"
DAILY_CAP = "daily_cap"


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
    ticket: Ticket
    voter_key: str
    traits: Traits


@dataclass(frozen=True)
class Paper:
    """A prepared vote: its row for the database, its receipt (shown once) and any refusal."""

    entry: BallotEntry
    row: dict[str, Any]
    receipt: str
    at: datetime
    refusal: APIError | None


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


def prepare(vote: Submission, *, now: datetime) -> Paper:
    """The vote as a row for the database, with any refusal the service can tell by itself.

    A vote the service refuses (outside the window, bad choices) still goes to the database,
    marked ``consume_only``, so its captcha is used up all the same.
    """
    entry = vote.entry
    refusal: APIError | None = None
    try:
        entry.refuse_outside_window(now)
        refuse_bad_choices(entry, vote.candidates)
    except APIError as refused:
        refusal = refused
    receipt = new_receipt()
    traits = vote.traits
    ticket = vote.ticket
    row: dict[str, Any] = {
        "captcha_id": ticket.challenge_id,  # None: checked before the transaction
        "answer_hash": ticket.answer_hash,
        "scope": ticket.scope,
        "consume_only": refusal is not None,
        "at": now.isoformat(),
        "ballot_id": entry.id,
        "voter_key": vote.voter_key,
        "period_key": entry.period_key(now),
        "choices": "" if refusal is not None else join_choices(vote.candidates),  # not kept
        "receipt_digest": receipt_digest(receipt),
        "address_key": traits.address_key,
        "network_key": traits.network_key,
        "agent_key": traits.agent_key,
        "device_key": traits.device_key,
        "phone_segment": traits.phone_segment,
        "phone_block": traits.phone_block,
        "day": beijing_day(now),
        "daily_cap": entry.ballot.daily_cap_per_address,
    }
    return Paper(entry=entry, row=row, receipt=receipt, at=now, refusal=refusal)


def outcome_of(paper: Paper, outcome: str) -> Accepted | APIError:
    """What the voter is told, from the database's outcome for the paper.

    The service's own refusal comes first (the captcha was used up all the same), then the
    captcha's, then the database's (already voted, daily cap).
    """
    if paper.refusal is not None:
        return paper.refusal
    if outcome == ACCEPTED:
        return Accepted(receipt=paper.receipt, at=paper.at, period_key=paper.row["period_key"])
    if outcome == ALREADY_VOTED:
        return already_voted(paper.entry)
    if outcome == DAILY_CAP:
        return daily_cap_reached(paper.entry, seconds_to_next_day(paper.at))
    return captcha_refusal(outcome)
