"""Proving a mobile number by SMS code: pacing and quotas, codes kept as keyed hashes only.

A code is 6 digits, valid 5 minutes, with at most 5 tries; a number gets at most 5 codes a
Beijing day, one a minute. The quota is taken in the database by one conditional upsert (so
two requests at once cannot both pass) before the gateway is called, and given back if the
gateway fails, so a failed send never counts against the voter.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from vote_api.core import rawsql
from vote_api.core.db import changed_rows
from vote_api.core.errors import APIError
from vote_api.core.timeutil import from_db, to_db
from vote_api.voting.casting import beijing_day
from vote_api.voting.models import SmsCode, SmsQuota
from vote_api.voting.proofs.method import keyed_hash
from vote_api.voting.sms.economics import (
    SmsPolicy,
    Tally,
    count_verified,
    give_back_sends,
    take_sends,
)

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=5)
MAX_TRIES = 5
RESEND_AFTER = timedelta(seconds=60)
CODES_PER_DAY = 5

_TAKE_QUOTA = rawsql.RawSQL(
    "INSERT INTO sms_quota (phone_key, day, sent, last_sent_at) VALUES (:phone_key, :day, 1, :now)"
    " ON CONFLICT (phone_key, day) DO UPDATE SET sent = sms_quota.sent + 1, last_sent_at = :now"
    " WHERE sms_quota.sent < :per_day"
    " AND (sms_quota.last_sent_at IS NULL OR sms_quota.last_sent_at <= :resend_before)"
    " RETURNING sent"
)


@dataclass(frozen=True)
class IssuedCode:
    """A code ready to send: the row that holds its hash, and the code itself (sent once)."""

    code_id: int
    code: str
    #: The places the code took in the SMS tallies (given back if sending fails).
    tallies: tuple[Tally, ...] = ()


@dataclass(frozen=True)
class SendPlan:
    """Where a code goes, for the SMS economics: its number block's key, segment and policy."""

    block: str
    segment: str
    policy: SmsPolicy
    tight: bool = False


def phone_key(secret: bytes, digits: str) -> str:
    """The keyed hash a number is stored (and voted) under."""
    return keyed_hash(secret, "phone", digits)


#: A vote keeps, for review, not its number's 4-digit region block but a bucket: the first
#: hex digits of a keyed hash of the 7-digit block. Votes from one block share a bucket; even
#: with the keys, a bucket leaves about 10,000 / 256 ≈ 40 blocks of the segment (400,000
#: numbers) rather than one block of 10,000.
REVIEW_BUCKET_DIGITS = 2


def block_key(secret: bytes, digits: str) -> str:
    """The keyed hash of a number's 7-digit block (segment and region), as its SMS cap counts it."""
    return keyed_hash(secret, "sms-block", digits[:7])


def review_block(secret: bytes, digits: str) -> str:
    """The bucket of a number's 7-digit block stored beside its vote (2 hex digits)."""
    return keyed_hash(secret, "review-block", digits[:7])[:REVIEW_BUCKET_DIGITS]


def _code_hash(secret: bytes, key: str, code: str) -> str:
    return keyed_hash(secret, "sms-code", f"{key}:{code}")


def issue_code(
    session: Session, secret: bytes, key: str, now: datetime, plan: SendPlan | None = None
) -> IssuedCode:
    """Take one of the number's daily codes and the plan's SMS tallies (or refuse), store its hash."""
    taken = rawsql.execute(
        session,
        _TAKE_QUOTA,
        {
            "phone_key": key,
            "day": beijing_day(now),
            "now": rawsql.moment(session, now),
            "per_day": CODES_PER_DAY,
            "resend_before": rawsql.moment(session, now - RESEND_AFTER),
        },
    ).fetchone()
    if taken is None:
        session.rollback()
        raise _quota_refusal(session, key, now)
    tallies: tuple[Tally, ...] = ()
    if plan is not None:
        tallies = take_sends(
            session,
            plan.policy,
            block=plan.block,
            segment=plan.segment,
            now=now,
            tight=plan.tight,
        )
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    row = SmsCode(
        phone_key=key,
        code_hash=_code_hash(secret, key, code),
        created_at=to_db(now),
        expires_at=to_db(now + CODE_TTL),
    )
    session.add(row)
    session.commit()
    assert row.id is not None
    return IssuedCode(code_id=row.id, code=code, tallies=tallies)


def _quota_refusal(session: Session, key: str, now: datetime) -> APIError:
    quota = session.get(SmsQuota, (key, beijing_day(now)))
    if quota is not None and quota.sent >= CODES_PER_DAY:
        return APIError(
            429,
            "sms_daily_limit",
            f"该号码今天已获取 {CODES_PER_DAY} 次验证码，已达上限：请使用已收到的验证码，"
            "或明天（北京时间 0 点以后）再来",
        )
    last = from_db(quota.last_sent_at) if quota and quota.last_sent_at else now
    wait = max(1, int((last + RESEND_AFTER - now).total_seconds()) + 1)
    return APIError(
        429,
        "sms_too_soon",
        f"验证码刚刚发出，请查看短信；如未收到，请在 {wait} 秒后重新获取",
        {"Retry-After": str(wait)},
    )


def give_back(session: Session, key: str, issued: IssuedCode, now: datetime) -> None:
    """Undo a code whose sending failed: remove it and return its place in the quota."""
    session.execute(delete(SmsCode).where(col(SmsCode.id) == issued.code_id))
    previous = session.exec(
        select(SmsCode.created_at)
        .where(SmsCode.phone_key == key, col(SmsCode.created_at) >= to_db(now - RESEND_AFTER * 2))
        .order_by(col(SmsCode.created_at).desc())
    ).first()
    session.execute(
        update(SmsQuota)
        .where(col(SmsQuota.phone_key) == key, col(SmsQuota.day) == beijing_day(now))
        .values(sent=SmsQuota.sent - 1, last_sent_at=previous)
    )
    give_back_sends(session, issued.tallies)
    session.commit()


def check_code(
    session: Session,
    secret: bytes,
    key: str,
    code: str,
    now: datetime,
    segment: str | None = None,
) -> None:
    """Accept the number's current code (used up on success); count a wrong try, or refuse."""
    row = session.exec(
        select(SmsCode)
        .where(SmsCode.phone_key == key, col(SmsCode.used).is_(False))
        .order_by(col(SmsCode.id).desc())
    ).first()
    if row is None or from_db(row.expires_at) <= now:
        raise APIError(
            400, "sms_code_expired", "验证码已失效（有效期 5 分钟）或尚未获取，请重新获取验证码"
        )
    tries_before = row.attempts
    tried = changed_rows(
        session,
        update(SmsCode)
        .where(col(SmsCode.id) == row.id, col(SmsCode.attempts) < MAX_TRIES)
        .values(attempts=SmsCode.attempts + 1),
    )
    if tried != 1:
        session.execute(update(SmsCode).where(col(SmsCode.id) == row.id).values(used=True))
        session.commit()
        raise APIError(
            429, "sms_code_tries", f"验证码已输错 {MAX_TRIES} 次，已作废：请重新获取验证码"
        )
    if not hmac.compare_digest(row.code_hash, _code_hash(secret, key, code.strip())):
        session.commit()
        left = MAX_TRIES - tries_before - 1
        raise APIError(
            400,
            "sms_code_wrong",
            f"验证码不正确，请核对短信后重新输入（还可尝试 {left} 次）"
            if left > 0
            else f"验证码不正确，已输错 {MAX_TRIES} 次，请重新获取验证码",
        )
    session.execute(update(SmsCode).where(col(SmsCode.id) == row.id).values(used=True))
    if segment is not None:
        count_verified(session, segment, from_db(row.created_at))
    session.commit()
