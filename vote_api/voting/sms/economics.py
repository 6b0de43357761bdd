"""SMS economics: a hard daily ceiling, a daily cap per number block, and the verified-share watch.

Every code sent is counted in ``sms_tally`` in the code's own transaction: once for the day
(refused with 503 past ``SZMQA_SMS_DAILY_BUDGET``), once for its 7-digit number block (a keyed
hash; refused with 429 past ``SZMQA_SMS_BLOCK_DAILY_CAP``), and once for its segment (first
3 digits) and for all segments in the Beijing hour it was sent. A code typed back correctly
counts as verified in the hour it was sent. Codes that nobody types back are what SMS pumping
leaves behind: when fewer than ``SZMQA_SMS_VERIFIED_SHARE_FLOOR`` of the codes of a segment
(or of all segments) sent this hour and the last were verified, with at least
``SZMQA_SMS_WATCH_MIN_SENT`` sent, sends to that segment are tightened by themselves: a client
(IPv4 address or IPv6 /64) gets 1 code a minute and 5 an hour, a network (IPv4 /24 or IPv6 /48)
a quarter of ``SZMQA_SMS_NETWORK_HOURLY_LIMIT``, and a number block a fifth of its daily cap,
until the share recovers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select
from starlette.requests import Request

from award.moments import SHANGHAI
from vote_api.core import rawsql
from vote_api.core.errors import APIError
from vote_api.core.limits import (
    TIGHT_SMS_LIMIT,
    hit_extra_limit,
    network_key,
)
from vote_api.voting.casting import beijing_day, seconds_to_next_day
from vote_api.voting.models import SmsTally

ALL = "*"
DAY, BLOCK, SEGMENT = "day", "block", "segment"
#: A number block's daily cap is divided by this while its segment's share is low.
TIGHT_BLOCK_DIVISOR = 5
#: A network's hourly SMS limit is divided by this while the share is low.
TIGHT_NETWORK_DIVISOR = 4
_UNCAPPED = 2**31 - 1

_TAKE = rawsql.RawSQL(
    "INSERT INTO sms_tally (scope, key, period, sent, verified)"
    " VALUES (:scope, :key, :period, 1, 0)"
    " ON CONFLICT (scope, key, period) DO UPDATE SET sent = sms_tally.sent + 1"
    " WHERE sms_tally.sent < :cap RETURNING sent"
)
_GIVE_BACK = rawsql.RawSQL(
    "UPDATE sms_tally SET sent = sent - 1"
    " WHERE scope = :scope AND key = :key AND period = :period AND sent > 0"
)
_VERIFIED = rawsql.RawSQL(
    "UPDATE sms_tally SET verified = verified + 1"
    " WHERE scope = :scope AND key = :key AND period = :period AND verified < sent"
)

CEILING_REACHED = (
    "今天的短信验证码发送量已达本次投票的每日上限，暂停发送：请明天（北京时间 0 点以后）再来获取；"
    "已验证号码的 30 分钟内仍可投票"
)
BLOCK_CAP_REACHED = (
    "与该号码前 7 位相同的号码今天获取验证码的次数已达上限：请明天（北京时间 0 点以后）再来，"
    "或改用其他号码"
)


@dataclass(frozen=True)
class SmsPolicy:
    """The SMS economics settings: the daily ceiling, the block cap and the watch's threshold."""

    daily_ceiling: int = 10_000
    block_daily_cap: int = 50
    verified_share_floor: float = 0.5
    watch_min_sent: int = 20
    network_hourly_limit: int = 60


Tally = tuple[str, str, str]


def hour_of(moment: datetime) -> str:
    """The Beijing hour a moment falls in, as the watch counts it (``2026-11-24T10``)."""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H")


def take_sends(
    session: Session,
    policy: SmsPolicy,
    *,
    block: str,
    segment: str,
    now: datetime,
    tight: bool,
) -> tuple[Tally, ...]:
    """Count one code against the day, its block and the watch; raise (after rollback) past a cap."""
    day, hour = beijing_day(now), hour_of(now)
    block_cap = max(1, policy.block_daily_cap // TIGHT_BLOCK_DIVISOR) if tight else None
    taken: list[Tally] = []
    steps = (
        ((DAY, ALL, day), policy.daily_ceiling),
        ((BLOCK, block, day), block_cap or policy.block_daily_cap),
        ((SEGMENT, segment, hour), _UNCAPPED),
        ((SEGMENT, ALL, hour), _UNCAPPED),
    )
    for tally, cap in steps:
        scope, key, period = tally
        params = {"scope": scope, "key": key, "period": period, "cap": cap}
        if rawsql.execute(session, _TAKE, params).fetchone() is None:
            session.rollback()
            raise _refusal(scope, now)
        taken.append(tally)
    return tuple(taken)


def _refusal(scope: str, now: datetime) -> APIError:
    wait = {"Retry-After": str(seconds_to_next_day(now))}
    if scope == DAY:
        return APIError(503, "sms_daily_ceiling", CEILING_REACHED, wait)
    return APIError(429, "sms_block_daily_limit", BLOCK_CAP_REACHED, wait)


def give_back_sends(session: Session, taken: tuple[Tally, ...]) -> None:
    """Return a failed send's places in the tallies (in the caller's transaction)."""
    for scope, key, period in taken:
        rawsql.execute(session, _GIVE_BACK, {"scope": scope, "key": key, "period": period})


def count_verified(session: Session, segment: str, sent_at: datetime) -> None:
    """Count a verified code in the watch of the hour it was sent (caller's transaction)."""
    for key in (segment, ALL):
        params = {"scope": SEGMENT, "key": key, "period": hour_of(sent_at)}
        rawsql.execute(session, _VERIFIED, params)


@dataclass(frozen=True)
class ShareRow:
    """Codes sent and verified for one segment (or all) over a stretch of hours."""

    segment: str
    sent: int
    verified: int

    @property
    def share(self) -> float | None:
        """The share of sent codes verified (None before any was sent)."""
        return self.verified / self.sent if self.sent else None

    def low(self, policy: SmsPolicy) -> bool:
        """Whether enough codes went out and too few of them were verified."""
        share = self.share
        return (
            share is not None
            and self.sent >= policy.watch_min_sent
            and share < policy.verified_share_floor
        )


def watch(
    session: Session, now: datetime, segments: tuple[str, ...] | None = None
) -> list[ShareRow]:
    """Sent and verified codes this Beijing hour and the last, per segment and for all (``*``)."""
    hours = [hour_of(now), hour_of(now - timedelta(hours=1))]
    query = select(SmsTally).where(col(SmsTally.scope) == SEGMENT, col(SmsTally.period).in_(hours))
    if segments is not None:
        query = query.where(col(SmsTally.key).in_(segments))
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in session.exec(query).all():
        sums[row.key][0] += row.sent
        sums[row.key][1] += row.verified
    return sorted(
        (ShareRow(key, sent, verified) for key, (sent, verified) in sums.items()),
        key=lambda row: (row.segment != ALL, row.segment),
    )


def tightened(session: Session, policy: SmsPolicy, segment: str, now: datetime) -> bool:
    """Whether sends to this segment are tightened: its share, or everyone's, is below the floor."""
    return any(row.low(policy) for row in watch(session, now, (segment, ALL)))


async def pace_network(request: Request, policy: SmsPolicy, *, tight: bool) -> None:
    """The per-network SMS limits (tighter while the watch says so); 429 once one is reached."""
    network = network_key(request)
    hourly = policy.network_hourly_limit
    await hit_extra_limit(request, f"{hourly}/hour", "sms-network", network)
    if tight:
        await hit_extra_limit(request, TIGHT_SMS_LIMIT, "sms-tight")
        tight_hourly = max(1, hourly // TIGHT_NETWORK_DIVISOR)
        await hit_extra_limit(request, f"{tight_hourly}/hour", "sms-network-tight", network)
