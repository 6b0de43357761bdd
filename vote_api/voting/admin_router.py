"""The secretariat's vote endpoints under /api/admin: tally, CSV export, invalidation, audit log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy import select
from sqlmodel import Session, col

from vote_api.core.audit import AuditAction, AuditEntry, record
from vote_api.core.deps import AdminDep, DatabaseDep, NowDep, require_admin
from vote_api.core.downloads import csv_download
from vote_api.core.params import DB_INT_MAX, RowId
from vote_api.core.timeutil import from_db
from vote_api.voting import review
from vote_api.voting.anomalies import find_clusters, load_votes, split_of
from vote_api.voting.deps import CatalogDep
from vote_api.voting.schemas import (
    AdminCandidateCount,
    AdminTallyOut,
    AnomaliesOut,
    AuditEntryOut,
    ClusterInvalidatedOut,
    ClusterInvalidateIn,
    ClusterOut,
    InvalidatedOut,
    InvalidateIn,
)
from vote_api.voting.tally import tally, votes_per_day

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)])


@router.get("/ballots/{ballot_id}/tally", response_model=AdminTallyOut)
async def live_tally(
    ballot_id: str, catalog: CatalogDep, db: DatabaseDep, now: NowDep, admin: AdminDep
) -> AdminTallyOut:
    """The live count of a ballot, open or not (the viewing is audited)."""
    entry = catalog.get(ballot_id)

    def work(session: Session) -> AdminTallyOut:
        counted = tally(session, entry)
        per_period = votes_per_day(session, entry.id)
        record(session, at=now, actor=admin.name, action=AuditAction.TALLY_VIEW, target=entry.id)
        session.commit()
        return AdminTallyOut(
            ballot_id=entry.id,
            title=entry.title,
            state=entry.state(now),
            counted_votes=counted.counted_votes,
            invalidated_votes=len(counted.invalidated_receipts),
            candidates=[
                AdminCandidateCount(id=c.id, name=c.name, count=c.count) for c in counted.candidates
            ],
            votes_per_period=dict(sorted(per_period.items())),
        )

    return await db.run(work)


@router.get(
    "/ballots/{ballot_id}/votes.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "选票明细（无个人信息）"}},
)
async def export_votes(
    ballot_id: str, catalog: CatalogDep, db: DatabaseDep, now: NowDep, admin: AdminDep
) -> Response:
    """Every vote of a ballot as CSV, without personal data (the export is audited)."""
    entry = catalog.get(ballot_id)
    text = await db.run(
        lambda session: review.export_csv(session, entry.id, actor=admin.name, now=now)
    )
    return csv_download(text, f"{entry.id}-votes.csv")


@router.post("/votes/{vote_id}/invalidate", response_model=InvalidatedOut)
async def invalidate_vote(
    vote_id: RowId, body: InvalidateIn, db: DatabaseDep, now: NowDep, admin: AdminDep
) -> InvalidatedOut:
    """Set a vote aside with a recorded reason; it stops counting and the audit log says why."""
    reason = body.reason.strip()
    ballot_id, digest = await db.run(
        lambda session: review.invalidate(session, vote_id, reason, actor=admin.name, now=now)
    )
    return InvalidatedOut(
        vote_id=vote_id, ballot_id=ballot_id, receipt_digest=digest, reason=reason
    )


@router.get("/ballots/{ballot_id}/anomalies", response_model=AnomaliesOut)
async def anomalies(
    ballot_id: str, catalog: CatalogDep, db: DatabaseDep, now: NowDep, admin: AdminDep
) -> AnomaliesOut:
    """Clusters of suspicious votes (bursts; shared network, device, user agent, number block)."""
    entry = catalog.get(ballot_id)

    def work(session: Session) -> AnomaliesOut:
        votes = load_votes(session, entry.id)
        clusters = find_clusters(votes)
        record(
            session, at=now, actor=admin.name, action=AuditAction.ANOMALIES_VIEW, target=entry.id
        )
        session.commit()
        total = len(votes)
        return AnomaliesOut(
            ballot_id=entry.id,
            counted_votes=total,
            overall_split=dict(split_of(votes).most_common()),
            clusters=[
                ClusterOut(
                    id=c.id,
                    kind=c.kind.value,
                    kind_label=c.kind.label,
                    description=c.description,
                    size=c.size,
                    share_of_ballot=round(c.size / total, 4) if total else 0.0,
                    first_at=c.first_at,
                    last_at=c.last_at,
                    split=c.split,
                    divergence=c.divergence,
                    score=c.score,
                    sample_vote_ids=c.sample,
                )
                for c in clusters
            ],
        )

    return await db.run(work)


@router.post("/ballots/{ballot_id}/anomalies", response_model=ClusterInvalidatedOut)
async def invalidate_cluster(
    ballot_id: str,
    body: ClusterInvalidateIn,
    catalog: CatalogDep,
    db: DatabaseDep,
    now: NowDep,
    admin: AdminDep,
) -> ClusterInvalidatedOut:
    """Set aside every counted vote of a cluster with one reason, as one audited action."""
    entry = catalog.get(ballot_id)
    reason = body.reason.strip()
    cluster, touched = await db.run(
        lambda session: review.invalidate_cluster(
            session, entry.id, body.cluster_id, reason, actor=admin.name, now=now
        )
    )
    return ClusterInvalidatedOut(
        ballot_id=entry.id,
        cluster_id=cluster.id,
        kind=cluster.kind.value,
        reason=reason,
        invalidated_vote_ids=touched,
    )


@router.get("/audit-log", response_model=list[AuditEntryOut])
async def audit_log(
    db: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    before: Annotated[
        int | None, Query(ge=1, le=DB_INT_MAX, description="只列出编号小于此值的记录")
    ] = None,
) -> list[AuditEntryOut]:
    """The append-only log of admin actions, newest first."""

    def work(session: Session) -> list[AuditEntryOut]:
        query = select(AuditEntry).order_by(col(AuditEntry.id).desc())
        if before is not None:
            query = query.where(col(AuditEntry.id) < before)
        rows: Sequence[AuditEntry] = session.execute(query.limit(limit)).scalars().all()
        return [
            AuditEntryOut(
                id=row.id or 0,
                at=from_db(row.at),
                actor=row.actor,
                action=row.action,
                target=row.target,
                detail=json.loads(row.detail),
            )
            for row in rows
        ]

    return await db.run(work)
