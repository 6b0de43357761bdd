"""Admin work on votes: CSV export without personal data, and invalidation with a reason."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from vote_api.core.audit import AuditAction, record
from vote_api.core.csvcells import safe_row
from vote_api.core.errors import APIError
from vote_api.core.timeutil import from_db, to_db
from vote_api.voting.anomalies import Cluster, find_clusters, load_votes
from vote_api.voting.ballot_log.leaves import append_invalidation
from vote_api.voting.models import Vote

CSV_COLUMNS = [
    "vote_id",
    "ballot_id",
    "period",
    "candidates",
    "voted_at",
    "receipt_digest",
    "invalidated",
    "invalidated_at",
    "invalidated_reason",
]


def _iso(value: datetime | None) -> str:
    return from_db(value).isoformat(timespec="seconds") if value is not None else ""


def export_csv(session: Session, ballot_id: str, *, actor: str, now: datetime) -> str:
    """The ballot's votes as CSV (ids, period, choices, time, receipt digest, invalidation)."""
    rows: Sequence[Any] = session.execute(
        select(
            col(Vote.id),
            col(Vote.ballot_id),
            col(Vote.period_key),
            col(Vote.choices),
            col(Vote.created_at),
            col(Vote.receipt_digest),
            col(Vote.invalidated_at),
            col(Vote.invalidated_reason),
        )
        .where(col(Vote.ballot_id) == ballot_id)
        .order_by(col(Vote.id))
    ).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for vote_id, ballot, period, choices, at, digest, invalidated_at, reason in rows:
        writer.writerow(
            safe_row(
                [
                    vote_id,
                    ballot,
                    period,
                    choices.replace(",", ";"),
                    _iso(at),
                    digest,
                    "yes" if invalidated_at is not None else "no",
                    _iso(invalidated_at),
                    reason or "",
                ]
            )
        )
    record(
        session,
        at=now,
        actor=actor,
        action=AuditAction.VOTES_EXPORT,
        target=ballot_id,
        rows=len(rows),
    )
    session.commit()
    return out.getvalue()


def invalidate(
    session: Session, vote_id: int, reason: str, *, actor: str, now: datetime
) -> tuple[str, str]:
    """Set a vote aside with a reason, and audit it in the same transaction; return its ballot and receipt digest."""
    row: Any = session.execute(
        select(col(Vote.ballot_id), col(Vote.receipt_digest), col(Vote.invalidated_at)).where(
            col(Vote.id) == vote_id
        )
    ).first()
    if row is None:
        raise APIError(404, "vote_not_found", f"没有编号为 {vote_id} 的选票")
    ballot_id, digest, invalidated_at = row
    if invalidated_at is not None:
        raise APIError(
            409, "vote_already_invalidated", f"编号为 {vote_id} 的选票已被作废，无需重复操作"
        )
    session.execute(
        update(Vote)
        .where(col(Vote.id) == vote_id)
        .values(invalidated_at=to_db(now), invalidated_reason=reason, invalidated_category="manual")
    )
    append_invalidation(session, ballot_id, [vote_id], "manual", now)
    record(
        session,
        at=now,
        actor=actor,
        action=AuditAction.VOTE_INVALIDATE,
        target=f"vote:{vote_id}",
        ballot=ballot_id,
        receipt_digest=digest,
        reason=reason,
    )
    session.commit()
    return ballot_id, digest


def invalidate_cluster(
    session: Session, ballot_id: str, cluster_id: str, reason: str, *, actor: str, now: datetime
) -> tuple[Cluster, list[int]]:
    """Set aside every counted vote of a cluster, as one audited action listing them all."""
    cluster = next(
        (c for c in find_clusters(load_votes(session, ballot_id)) if c.id == cluster_id), None
    )
    if cluster is None:
        raise APIError(
            404,
            "cluster_not_found",
            f"没有编号为 {cluster_id[:40]} 的可疑票群（可能已被处理或已变化），请刷新异常列表后重试",
        )
    touched = sorted(cluster.vote_ids)
    newly: list[int] = list(
        session.execute(
            select(col(Vote.id)).where(
                col(Vote.id).in_(touched), col(Vote.invalidated_at).is_(None)
            )
        ).scalars()
    )
    append_invalidation(session, ballot_id, newly, cluster.kind.value, now)
    session.execute(
        update(Vote)
        .where(col(Vote.id).in_(touched), col(Vote.invalidated_at).is_(None))
        .values(
            invalidated_at=to_db(now),
            invalidated_reason=reason,
            invalidated_category=cluster.kind.value,
        )
    )
    record(
        session,
        at=now,
        actor=actor,
        action=AuditAction.CLUSTER_INVALIDATE,
        target=f"ballot:{ballot_id}",
        cluster=cluster.id,
        kind=cluster.kind.value,
        reason=reason,
        votes=touched,
    )
    session.commit()
    return cluster, touched
