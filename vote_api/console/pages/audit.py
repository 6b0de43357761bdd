"""The audit log page: every action, newest first, filtered by person, action, object, dates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlmodel import Session, col

from vote_api.console.deps import ObserverDep
from vote_api.console.pages.shared import QueryText
from vote_api.console.render import page
from vote_api.console.schemas import FILTER_MAX, FormError, optional_day, page_number, text_field
from vote_api.core.audit import AuditEntry
from vote_api.core.deps import DatabaseDep
from vote_api.core.timeutil import day_bounds, from_db, to_db

router = APIRouter(prefix="/admin")
AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    """Filters of the audit log page: who, what, on which object, between which days."""

    actor: str = ""
    action: str = ""
    target: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1


def audit_entries(session: Session, filters: AuditFilter) -> tuple[list[dict[str, Any]], bool]:
    """A page of the audit log, newest first, and whether there is a next page."""
    query = select(AuditEntry)
    if filters.actor:
        query = query.where(col(AuditEntry.actor) == filters.actor)
    if filters.action:
        query = query.where(col(AuditEntry.action).startswith(filters.action))
    if filters.target:
        query = query.where(col(AuditEntry.target).contains(filters.target))
    if filters.since:
        query = query.where(col(AuditEntry.at) >= to_db(day_bounds(filters.since)[0]))
    if filters.until:
        query = query.where(col(AuditEntry.at) < to_db(day_bounds(filters.until)[1]))
    offset = (filters.page - 1) * AUDIT_PAGE_SIZE
    rows: Sequence[AuditEntry] = (
        session.execute(
            query.order_by(col(AuditEntry.id).desc()).offset(offset).limit(AUDIT_PAGE_SIZE + 1)
        )
        .scalars()
        .all()
    )
    entries = [
        {
            "id": row.id,
            "at": from_db(row.at),
            "actor": row.actor,
            "action": row.action,
            "target": row.target,
            "detail": _detail_text(row.detail),
        }
        for row in rows[:AUDIT_PAGE_SIZE]
    ]
    return entries, len(rows) > AUDIT_PAGE_SIZE


def _detail_text(stored: str) -> str:
    try:
        detail = json.loads(stored)
    except ValueError:
        return stored
    if not isinstance(detail, dict):
        return str(detail)
    return "；".join(f"{key}={value}" for key, value in detail.items() if value not in (None, ""))


def audit_actors(session: Session) -> list[str]:
    """Every name that appears in the audit log (for the filter's choices)."""
    return sorted(session.execute(select(col(AuditEntry.actor)).distinct()).scalars().all())


@router.get("/audit")
async def audit_log(
    request: Request,
    signed: ObserverDep,
    db: DatabaseDep,
    actor: QueryText = None,
    action: QueryText = None,
    target: QueryText = None,
    since: QueryText = None,
    until: QueryText = None,
    page_: Annotated[str | None, Query(alias="page")] = None,
) -> Response:
    """The audit log, newest first, filtered by person, action, object and dates, in pages."""
    error = None
    try:
        filters = AuditFilter(
            actor=text_field(actor, "人员", maximum=FILTER_MAX),
            action=text_field(action, "操作", maximum=FILTER_MAX),
            target=text_field(target, "对象", maximum=FILTER_MAX),
            since=optional_day(since, "起始日期"),
            until=optional_day(until, "截止日期"),
            page=page_number(page_),
        )
    except FormError as refused:
        error = str(refused)
        filters = AuditFilter()

    def work(session: Session) -> tuple[list[dict[str, Any]], bool, list[str]]:
        entries, more = audit_entries(session, filters)
        return entries, more, audit_actors(session)

    entries, more, actors = await db.run(work)
    query = {
        key: value
        for key, value in (
            ("actor", filters.actor),
            ("action", filters.action),
            ("target", filters.target),
            ("since", filters.since.isoformat() if filters.since else ""),
            ("until", filters.until.isoformat() if filters.until else ""),
        )
        if value
    }
    return page(
        request,
        "audit.html",
        signed=signed,
        status=422 if error else 200,
        error=error,
        entries=entries,
        has_next=more,
        filters=filters,
        actors=actors,
        query=query,
    )
