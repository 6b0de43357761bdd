"""The secretariat's case handling: list, read, download, move along the workflow, export.

Every route needs an admin token; every action that reveals personal data or changes a case
is written to the audit log in the same transaction.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response, StreamingResponse

from vote_api.core.deps import AdminDep, ContentDep, DatabaseDep, NowDep
from vote_api.core.downloads import csv_download
from vote_api.core.params import OffsetQuery, RowId
from vote_api.objections import cases, handling
from vote_api.objections.cases import CaseFilter
from vote_api.objections.deps import ObjectionsDep
from vote_api.objections.downloads import attachment_response
from vote_api.objections.models import CaseStatus
from vote_api.objections.schemas import CaseDetail, CaseList, CaseSummary, TransitionIn


def _filters(
    notice: str | None, entrant: str | None, status: CaseStatus | None, limit: int, offset: int
) -> CaseFilter:
    return CaseFilter(notice=notice, entrant=entrant, status=status, limit=limit, offset=offset)


NoticeQuery = Annotated[str | None, Query(max_length=90, description="通知编号")]
EntrantQuery = Annotated[str | None, Query(max_length=40, description="申报主体编号")]
StatusQuery = Annotated[CaseStatus | None, Query(description="状态")]
LimitQuery = Annotated[int, Query(ge=1, le=1000)]


router = APIRouter(prefix="/admin/objections", tags=["admin: objections"])


@router.get("", response_model=CaseList)
async def list_cases(
    admin: AdminDep,
    db: DatabaseDep,
    content: ContentDep,
    notice: NoticeQuery = None,
    entrant: EntrantQuery = None,
    status: StatusQuery = None,
    limit: LimitQuery = 100,
    offset: OffsetQuery = 0,
) -> CaseList:
    """Cases (without personal data), newest first, filtered by notice, entrant and status."""
    filters = _filters(notice, entrant, status, limit, offset)
    found, counts = await db.run(lambda session: cases.find_cases(session, filters))
    summaries = [cases.summary(c, content, counts.get(c.id or 0, 0)) for c in found]
    return CaseList.model_validate({"cases": summaries, "limit": limit, "offset": offset})


@router.get(
    "/export.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "案件清单（无个人信息）"}},
)
async def export_cases(
    admin: AdminDep,
    db: DatabaseDep,
    content: ContentDep,
    now: NowDep,
    notice: NoticeQuery = None,
    entrant: EntrantQuery = None,
    status: StatusQuery = None,
    limit: LimitQuery = 1000,
    offset: OffsetQuery = 0,
) -> Response:
    """The matching cases as CSV, without personal data."""
    filters = _filters(notice, entrant, status, limit, offset)
    text = await db.run(
        lambda session: handling.export_csv(session, content, filters, admin.name, now)
    )
    return csv_download(text, f"objections-{now:%Y%m%d-%H%M}.csv")


@router.get("/{case_number}", response_model=CaseDetail)
async def read_case(
    case_number: str,
    admin: AdminDep,
    db: DatabaseDep,
    content: ContentDep,
    objections: ObjectionsDep,
    now: NowDep,
) -> Response:
    """A case with the reporter's decrypted details, its files and its history (audited)."""
    detail = await db.run(
        lambda session: cases.read_case(session, objections, content, case_number, admin.name, now)
    )
    return JSONResponse(detail, headers={"Cache-Control": "no-store"})


@router.get(
    "/{case_number}/files/{file_id}",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "附件"}},
)
async def download_file(
    case_number: str,
    file_id: RowId,
    admin: AdminDep,
    db: DatabaseDep,
    objections: ObjectionsDep,
    now: NowDep,
) -> StreamingResponse:
    """An attachment, decrypted, as a download (never rendered inline; audited)."""
    case, row = await db.run(
        lambda session: cases.file_for_download(session, case_number, file_id, admin.name, now)
    )
    return await attachment_response(objections, case, row)


@router.post("/{case_number}/transitions", response_model=CaseSummary)
async def move_case(
    case_number: str,
    body: TransitionIn,
    admin: AdminDep,
    db: DatabaseDep,
    content: ContentDep,
    objections: ObjectionsDep,
    now: NowDep,
) -> CaseSummary:
    """Move a case: received → under_review → upheld / not_upheld → closed (409 otherwise)."""
    note = body.note.strip()
    reply = body.reply.strip() if body.reply else None
    moved = await db.run(
        lambda session: handling.move_case(
            session,
            objections,
            content,
            case_number=case_number,
            to=body.to,
            note=note,
            reply=reply,
            actor=admin.name,
            now=now,
        )
    )
    return CaseSummary.model_validate(moved)
