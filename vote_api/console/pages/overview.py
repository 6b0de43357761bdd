"""The overview: windows open and next, votes today, new and overdue cases, alerts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import Response
from slowapi import Limiter
from sqlmodel import Session

from award.moments import SHANGHAI
from award.windows import WindowState
from vote_api.console.deps import ObserverDep
from vote_api.console.pages.ballot_views import ballot_rows
from vote_api.console.render import page
from vote_api.core.deps import NowDep, StateDep
from vote_api.core.limits import Limits
from vote_api.core.parts import part
from vote_api.objections.cases import case_age, open_cases
from vote_api.objections.models import CaseStatus
from vote_api.voting.anomalies import find_clusters, load_votes
from vote_api.voting.catalog import BallotCatalog
from vote_api.voting.deps import CatalogDep
from vote_api.voting.stats import sms_sent_on, sms_watch, sms_watch_lines, watch_policy

router = APIRouter(prefix="/admin")
#: A cluster is worth an alert when it leans this far from the rest of the ballot.
ALERT_DIVERGENCE = 0.3


def case_counts(session: Session, today: date) -> dict[str, int]:
    """New (received) cases, open cases and overdue open cases."""
    found = open_cases(session)
    overdue = sum(1 for received, _ in found if case_age(received, None, today).overdue)
    new = sum(1 for _, status in found if status is CaseStatus.RECEIVED)
    return {"new": new, "open": len(found), "overdue": overdue}


def cluster_alerts(session: Session, catalog: BallotCatalog, ballot_ids: list[str]) -> list[str]:
    """One line per open ballot with clusters that vote unlike the rest."""
    lines = []
    for ballot_id in ballot_ids:
        leaning = [
            c
            for c in find_clusters(load_votes(session, ballot_id))
            if c.divergence >= ALERT_DIVERGENCE
        ]
        if leaning:
            biggest = max(c.size for c in leaning)
            title = catalog.get(ballot_id).title
            lines.append(
                f"“{title}”有 {len(leaning)} 个倾向明显的异常聚类（最大 {biggest} 张），请复核"
            )
    return lines


def overview_data(session: Session, catalog: BallotCatalog, now: datetime) -> dict[str, Any]:
    """The overview: windows open and next, votes today, cases new and overdue."""
    rows = ballot_rows(session, catalog, now)
    upcoming = sorted(
        (r for r in rows if r["state"] == WindowState.UPCOMING.value), key=lambda r: r["opens"]
    )
    open_rows = [r for r in rows if r["state"] == WindowState.OPEN.value]
    return {
        "open": open_rows,
        "next": upcoming[:3],
        "ballots": rows,
        "cases": case_counts(session, now.astimezone(SHANGHAI).date()),
        "cluster_alerts": cluster_alerts(session, catalog, [r["id"] for r in open_rows]),
        "sms_today": sms_sent_on(session, now),
        "sms_watch": sms_watch(session, now),
    }


def shared_storage_down(limiter: Limiter, storage_uri: str) -> bool:
    """Whether the shared rate-limit storage (Redis) is configured and not answering."""
    if storage_uri.startswith("memory://"):
        return False
    if getattr(limiter, "_storage_dead", False):
        return True
    storage = getattr(limiter, "_storage", None)
    try:
        return storage is not None and not storage.check()
    except Exception:  # an unreachable server may raise instead of answering False
        return True


@router.get("/")
async def overview(
    request: Request, signed: ObserverDep, state: StateDep, catalog: CatalogDep, now: NowDep
) -> Response:
    """Windows open now and next, votes today, new and overdue cases, alerts."""
    data = await state.db.run(lambda session: overview_data(session, catalog, now))
    alerts = []
    uri = state.settings.ratelimit_storage_uri
    limiter = part(request.app, Limits).limiter
    if await anyio.to_thread.run_sync(shared_storage_down, limiter, uri):
        alerts.append("限流存储（Redis）无法连接：各进程暂按各自内存计数，请检查 Redis")
    alerts += data["cluster_alerts"]
    settings = state.settings
    budget = settings.sms_daily_budget
    if data["sms_today"] >= budget * 0.8:
        alerts.append(
            f"今日已发送短信验证码 {data['sms_today']} 条，每日上限 {budget} 条"
            "（达到上限后当天停止发送）"
        )
    policy = watch_policy(settings.sms_verified_share_floor, settings.sms_watch_min_sent)
    alerts += sms_watch_lines(data["sms_watch"], policy)
    if data["cases"]["overdue"]:
        alerts.append(f"有 {data['cases']['overdue']} 件异议超过 10 个工作日未办结")
    return page(
        request, "overview.html", signed=signed, now=now, alerts=alerts, policy=policy, **data
    )
