"""The ballot pages: every ballot, one ballot's live tally, invalidating votes, the CSV export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from vote_api.console.deps import HandlerDep, ObserverDep, StaffAdminDep
from vote_api.console.pages.ballot_views import (
    ballot_rows,
    ballot_view,
    cluster_rows,
    default_day,
    window_days,
)
from vote_api.console.pages.shared import (
    FormText,
    QueryText,
    ballot_entry,
    done_message,
    see_other,
)
from vote_api.console.render import page
from vote_api.console.schemas import (
    REASON_MAX,
    REASON_MIN,
    ClusterForm,
    FormError,
    InvalidateForm,
    optional_day,
)
from vote_api.console.sessions import Signed
from vote_api.core.audit import AuditAction, record
from vote_api.core.db import Database
from vote_api.core.deps import DatabaseDep, NowDep
from vote_api.core.downloads import csv_download
from vote_api.core.errors import APIError
from vote_api.voting import review
from vote_api.voting.catalog import BallotEntry
from vote_api.voting.deps import CatalogDep
from vote_api.voting.stats import recent_votes

router = APIRouter(prefix="/admin")


@router.get("/ballots")
async def ballots(
    request: Request, signed: ObserverDep, db: DatabaseDep, catalog: CatalogDep, now: NowDep
) -> Response:
    """Every ballot with its state and today's votes."""
    rows = await db.run(lambda session: ballot_rows(session, catalog, now))
    return page(request, "ballots.html", signed=signed, ballots=rows)


async def _ballot_page(
    request: Request,
    signed: Signed,
    db: Database,
    entry: BallotEntry,
    now: datetime,
    day: date | None,
    *,
    status: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    chosen = day if day is not None and day in window_days(entry) else None
    chosen = chosen or default_day(entry, now)

    def work(session: Session) -> dict[str, Any]:
        view = ballot_view(session, entry, now, chosen)
        view["clusters"] = cluster_rows(session, entry)
        record(session, at=now, actor=signed.name, action=AuditAction.TALLY_VIEW, target=entry.id)
        session.commit()
        return view

    view = await db.run(work)
    return page(
        request,
        "ballot.html",
        signed=signed,
        status=status,
        error=error,
        form=form or {},
        done=done_message(request.query_params.get("done")),
        reason_min=REASON_MIN,
        reason_max=REASON_MAX,
        **view,
    )


@router.get("/ballots/{ballot_id}")
async def ballot(
    request: Request,
    ballot_id: str,
    signed: ObserverDep,
    db: DatabaseDep,
    catalog: CatalogDep,
    now: NowDep,
    day: QueryText = None,
) -> Response:
    """A ballot's live tally, votes per hour, the latest votes and the invalidation form."""
    entry = ballot_entry(catalog, ballot_id)
    try:
        chosen = optional_day(day, "日期")
    except FormError:
        chosen = None
    return await _ballot_page(request, signed, db, entry, now, chosen)


@router.post("/ballots/{ballot_id}/invalidate")
async def invalidate(
    request: Request,
    ballot_id: str,
    signed: StaffAdminDep,
    db: DatabaseDep,
    catalog: CatalogDep,
    now: NowDep,
    vote_id: FormText = None,
    reason: FormText = None,
    confirm: FormText = None,
) -> Response:
    """Invalidate one vote with a reason: first a confirmation page, then the act (audited)."""
    entry = ballot_entry(catalog, ballot_id)
    typed = {"vote_id": (vote_id or "")[:20], "reason": (reason or "")[: REASON_MAX + 100]}
    try:
        form = InvalidateForm.parse(vote_id, reason)
    except FormError as error:
        return await _ballot_page(
            request, signed, db, entry, now, None, status=422, error=str(error), form=typed
        )

    def find(session: Session) -> dict[str, Any] | None:
        found = recent_votes(session, entry, limit=1, vote_id=form.vote_id)
        return found[0] if found else None

    vote = await db.run(find)
    if vote is None or vote["invalidated"]:
        message = (
            f"投票“{entry.title}”中没有编号为 {form.vote_id} 的选票"
            if vote is None
            else f"编号为 {form.vote_id} 的选票已被作废，无需重复操作"
        )
        status = 404 if vote is None else 409
        return await _ballot_page(
            request, signed, db, entry, now, None, status=status, error=message, form=typed
        )
    return await _confirm_then_act(
        request,
        signed,
        db,
        entry,
        now,
        confirmed=confirm == "yes",
        confirm_page=("confirm_invalidate.html", {"vote": vote, "form": form}),
        act=lambda session: review.invalidate(
            session, form.vote_id, form.reason, actor=signed.name, now=now
        ),
        done="invalidated",
    )


@router.post("/ballots/{ballot_id}/clusters/invalidate")
async def invalidate_cluster(
    request: Request,
    ballot_id: str,
    signed: StaffAdminDep,
    db: DatabaseDep,
    catalog: CatalogDep,
    now: NowDep,
    cluster_id: FormText = None,
    reason: FormText = None,
    confirm: FormText = None,
) -> Response:
    """Invalidate a whole cluster with one reason: a confirmation page, then the act (audited)."""
    entry = ballot_entry(catalog, ballot_id)
    typed = {"cluster_id": (cluster_id or "")[:80], "reason": (reason or "")[: REASON_MAX + 100]}
    try:
        form = ClusterForm.parse(cluster_id, reason)
    except FormError as error:
        return await _ballot_page(
            request, signed, db, entry, now, None, status=422, error=str(error), form=typed
        )
    rows = await db.run(lambda session: cluster_rows(session, entry))
    cluster = next((row for row in rows if row["id"] == form.cluster_id), None)
    if cluster is None:
        return await _ballot_page(
            request,
            signed,
            db,
            entry,
            now,
            None,
            status=404,
            error="该异常聚类已不存在（可能已被处理或已变化），请查看最新列表",
            form=typed,
        )
    return await _confirm_then_act(
        request,
        signed,
        db,
        entry,
        now,
        confirmed=confirm == "yes",
        confirm_page=("confirm_cluster.html", {"cluster": cluster, "form": form}),
        act=lambda session: review.invalidate_cluster(
            session, entry.id, form.cluster_id, form.reason, actor=signed.name, now=now
        ),
        done="cluster-invalidated",
    )


async def _confirm_then_act(
    request: Request,
    signed: Signed,
    db: Database,
    entry: BallotEntry,
    now: datetime,
    *,
    confirmed: bool,
    confirm_page: tuple[str, dict[str, Any]],
    act: Callable[[Session], Any],
    done: str,
) -> Response:
    """Until confirmed, the confirmation page; then the act, and back to the ballot page."""
    if not confirmed:
        template, context = confirm_page
        return page(request, template, signed=signed, entry=entry, **context)
    try:
        await db.run(act)
    except APIError as error:
        return await _ballot_page(
            request, signed, db, entry, now, None, status=error.status, error=error.message
        )
    return see_other(f"/admin/ballots/{quote(entry.id)}?done={done}")


@router.get("/ballots/{ballot_id}/votes.csv")
async def export_votes(
    ballot_id: str, signed: HandlerDep, db: DatabaseDep, catalog: CatalogDep, now: NowDep
) -> Response:
    """Every vote of a ballot as CSV without personal data (audited)."""
    entry = ballot_entry(catalog, ballot_id)
    text = await db.run(
        lambda session: review.export_csv(session, entry.id, actor=signed.name, now=now)
    )
    return csv_download(text, f"{entry.id}-votes.csv")
