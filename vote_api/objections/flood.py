"""Objection floods: a per-network hourly limit, a daily cap of evidence bytes, a free-disk guard.

Checked before a byte of the form is read: the network's hourly limit (IPv4 /24, IPv6 /48),
the free space of the evidence folder (refused with 503 below
``SZMQA_OBJECTION_MIN_FREE_DISK_BYTES`` once the declared body is written), and the network's
evidence bytes stored today plus the declared body against
``SZMQA_OBJECTION_DAILY_BYTES_PER_NETWORK``. The bytes actually stored are then added in the
case's own transaction by a conditional upsert, so concurrent filings cannot pass the cap
together.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session
from starlette.requests import Request

from award.moments import SHANGHAI
from vote_api.core import rawsql
from vote_api.core.db import Database
from vote_api.core.errors import APIError
from vote_api.core.limits import OBJECTION_NETWORK_LIMIT, hit_extra_limit, network_key
from vote_api.objections.models import EvidenceNetworkDay

_ADD_BYTES = rawsql.RawSQL(
    "INSERT INTO objection_network_day (network_key, day, stored_bytes)"
    " VALUES (:network_key, :day, :bytes)"
    " ON CONFLICT (network_key, day) DO UPDATE"
    " SET stored_bytes = objection_network_day.stored_bytes + :bytes"
    " WHERE objection_network_day.stored_bytes + :bytes <= :cap RETURNING stored_bytes"
)

DISK_LOW = "服务器存储空间不足，暂时无法接收异议和附件：请稍后再试，或直接与秘书处联系"
BYTES_CAP = (
    "您所在的网络今天提交的异议附件已达上限（{cap}）：请明天（北京时间 0 点以后）再提交，"
    "或精简附件后重试"
)


@dataclass(frozen=True)
class FloodGuard:
    """The evidence folder's free-space threshold and the daily bytes cap per network."""

    folder: Path
    daily_bytes_per_network: int
    min_free_disk_bytes: int


@dataclass(frozen=True)
class EvidenceCharge:
    """What a filing adds to its network's evidence bytes today."""

    network_key: str
    day: str
    cap: int


def _declared(request: Request) -> int:
    try:
        return max(0, int(request.headers.get("content-length", "0")))
    except ValueError:
        return 0


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):.0f} MB"


async def limit_network(request: Request) -> None:
    """The hourly limit of filings per network (IPv4 /24, IPv6 /48); 429 once it is reached."""
    await hit_extra_limit(
        request, OBJECTION_NETWORK_LIMIT, "objection-network", network_key(request)
    )


async def guard_filing(
    request: Request, guard: FloodGuard, db: Database, hashed_network: str, now: datetime
) -> EvidenceCharge:
    """Refuse a filing the disk or the network's daily evidence bytes cannot take."""
    declared = _declared(request)
    try:
        free = shutil.disk_usage(guard.folder).free
    except OSError:
        free = 0
    if free - declared < guard.min_free_disk_bytes:
        raise APIError(503, "storage_low", DISK_LOW, {"Retry-After": "3600"})
    charge = EvidenceCharge(
        hashed_network, now.astimezone(SHANGHAI).date().isoformat(), guard.daily_bytes_per_network
    )
    stored = await db.run(lambda session: stored_today(session, charge))
    if stored + declared > charge.cap:
        raise _cap_refusal(charge.cap)
    return charge


def stored_today(session: Session, charge: EvidenceCharge) -> int:
    """Evidence bytes the charge's network stored today."""
    row = session.get(EvidenceNetworkDay, (charge.network_key, charge.day))
    return 0 if row is None else row.stored_bytes


def _cap_refusal(cap: int) -> APIError:
    return APIError(429, "evidence_daily_limit", BYTES_CAP.format(cap=_megabytes(cap)))


def add_evidence_bytes(session: Session, charge: EvidenceCharge, stored: int) -> None:
    """Add a filing's stored bytes in its transaction; refuse (after rollback) past the cap."""
    params = {
        "network_key": charge.network_key,
        "day": charge.day,
        "bytes": stored,
        "cap": charge.cap,
    }
    if stored > charge.cap or rawsql.execute(session, _ADD_BYTES, params).fetchone() is None:
        session.rollback()
        raise _cap_refusal(charge.cap)
