"""Public routes: a notice and its entrants, filing an objection, following a case."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from award.content import Content
from award.models import NoticeKind
from award.moments import SHANGHAI
from award.publication import notice_is_public
from vote_api.core.client import address_network, request_address
from vote_api.core.db import Database
from vote_api.core.deps import ContentDep, DatabaseDep, HumanCheckDep, NowDep
from vote_api.core.errors import APIError
from vote_api.core.humancheck import TOKEN_MAX_LENGTH, HumanAnswer
from vote_api.core.limits import FOLLOW_UP_LIMIT, OBJECTION_LIMIT, rate_limit
from vote_api.objections import cases, filing, flood
from vote_api.objections.deps import ObjectionsDep
from vote_api.objections.filetypes import EVIDENCE_TYPES, LETTER_TYPES
from vote_api.objections.form import FormReader
from vote_api.objections.models import REASON_LABELS, CaseStatus, ReporterKind
from vote_api.objections.received import mebibytes
from vote_api.objections.rules import (
    MIN_STATEMENT_CHARS,
    check_submission,
    notice_entrants,
    objection_notice,
    require_open,
)
from vote_api.objections.schemas import CaseFiled, FollowUpOut, FollowUpRequest, NoticeOut
from vote_api.objections.service import Objections

NO_STORE = {"Cache-Control": "no-store"}
KEY_HEADER = "X-Objection-Key"
CAPTCHA_ID_HEADER = "X-Captcha-Id"
CAPTCHA_ANSWER_HEADER = "X-Captcha-Answer"


_FORM_SCHEMA: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [
                        "entrant",
                        "reason",
                        "statement",
                        "reporter_kind",
                        "phone",
                        "captcha_id",
                        "captcha_answer",
                    ],
                    "properties": {
                        "entrant": {"type": "string", "description": "被异议的申报主体编号"},
                        "reason": {
                            "type": "array",
                            "items": {"type": "string", "enum": [r.value for r in REASON_LABELS]},
                        },
                        "statement": {"type": "string", "description": "异议事实与理由"},
                        "reporter_kind": {
                            "type": "string",
                            "enum": [k.value for k in ReporterKind],
                        },
                        "name": {"type": "string", "description": "个人：姓名"},
                        "id_number": {"type": "string", "description": "个人：身份证号"},
                        "organisation": {"type": "string", "description": "单位：单位名称"},
                        "contact": {"type": "string", "description": "单位：联系人"},
                        "phone": {"type": "string", "description": "手机号码"},
                        "email": {"type": "string"},
                        "captcha_id": {"type": "string"},
                        "captcha_answer": {"type": "string"},
                        "evidence": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                        },
                        "letter": {
                            "type": "string",
                            "format": "binary",
                            "description": "单位：加盖公章的书面材料",
                        },
                    },
                }
            }
        },
    }
}


router = APIRouter(tags=["objections"])


@router.get("/notices/{notice_id}", response_model=NoticeOut)
async def notice_info(
    notice_id: str, content: ContentDep, objections: ObjectionsDep, now: NowDep
) -> NoticeOut:
    """A notice: its title, window and the entrants on its list; with objections, the form's rules."""
    notice = content.notice(notice_id)
    if notice is None or not notice_is_public(notice, now.astimezone(SHANGHAI).date()):
        raise APIError(404, "notice_not_found", f"没有编号为 {notice_id[:90]} 的通知")
    meta = notice.meta
    window = notice.window
    info: dict[str, Any] = {
        "id": notice.id,
        "title": meta.title,
        "kind": meta.kind.value,
        "year": meta.year,
        "stage": meta.stage.value if meta.stage else None,
        "demo": meta.demo,
        "window": None,
        "entrants": [
            {
                "id": e.id,
                "name": e.name,
                "project": e.project,
                "display_name": e.display_name,
                "category": e.category.value,
                "category_label": e.category.label,
            }
            for e in notice_entrants(content, notice)
        ],
        "objections": None,
    }
    if window is not None:
        info["window"] = {
            "start": window.start.isoformat(),
            "end": window.end.isoformat(),
            "text": window.describe(),
            "state": window.state(now).value,
        }
    if meta.objections and meta.kind is NoticeKind.PUBLICITY and window is not None:
        limits = objections.limits
        info["objections"] = {
            "open": window.state(now).value == "open",
            "reasons": [{"code": r.value, "label": label} for r, label in REASON_LABELS.items()],
            "evidence_extensions": list(EVIDENCE_TYPES),
            "letter_extensions": list(LETTER_TYPES),
            "max_files": limits.max_files,
            "max_file_bytes": limits.max_file_bytes,
            "max_file_text": mebibytes(limits.max_file_bytes),
            "text_max_chars": limits.text_max_chars,
            "text_min_chars": MIN_STATEMENT_CHARS,
        }
    return NoticeOut.model_validate(info)


@router.post(
    "/notices/{notice_id}/objections",
    status_code=201,
    response_model=CaseFiled,
    openapi_extra=_FORM_SCHEMA,
    dependencies=[rate_limit(OBJECTION_LIMIT)],
)
async def file_objection(
    request: Request,
    notice_id: str,
    content: ContentDep,
    db: DatabaseDep,
    check: HumanCheckDep,
    objections: ObjectionsDep,
    now: NowDep,
) -> JSONResponse:
    """File a real-name objection (multipart/form-data, with evidence files) during the window.

    Returns the case number and the follow-up key, shown this once only.
    """
    await flood.limit_network(request)
    notice = objection_notice(content, notice_id)
    require_open(notice, now)
    network = objections.sealer.key_hash(
        "evidence-network", address_network(request_address(request))
    )
    charge = await flood.guard_filing(request, objections.flood, db, network, now)

    async def use_captcha(challenge_id: str, answer: str) -> None:
        typed = HumanAnswer(challenge_id[:TOKEN_MAX_LENGTH], answer[:16], request_address(request))
        await check.verify(typed, f"objection:{notice.id}", now)

    # Cheap refusals first: notice, window, then the captcha (from the headers, or from the
    # form fields that come before any file) before a byte of an attachment is kept.
    in_headers = captcha_headers(request)
    if in_headers is not None:
        await use_captcha(*in_headers)
    reader = FormReader(
        objections.limits,
        objections.store,
        objections.sealer,
        on_captcha=None if in_headers is not None else use_captcha,
    )
    form = await reader.read(request)
    if in_headers is not None:
        form.fields.setdefault("captcha_id", [in_headers[0]])
        form.fields.setdefault("captcha_answer", [in_headers[1]])
    try:
        submission = check_submission(content, notice, form, objections.limits.text_max_chars)
        assert notice.meta.year is not None
        year = notice.meta.year
        case, key = await db.run(
            lambda session: filing.file_case(
                session,
                objections=objections,
                notice_id=notice.id,
                year=year,
                submission=submission,
                files=form.files,
                now=now,
                charge=charge,
            )
        )
    except BaseException:
        reader.discard()
        raise
    try:
        filing.promote_files(objections, form.files)
    except OSError:
        assert case.id is not None
        case_id = case.id
        await db.run(lambda session: filing.withdraw_case(session, case_id))
        raise APIError(503, "storage_failed", "附件保存失败，异议未能提交，请稍后重试") from None
    status = CaseStatus(case.status)
    return JSONResponse(
        {
            "case_number": case.case_number,
            "key": key,
            "status": status.value,
            "status_label": status.label,
            "received_at": now.isoformat(),
            "message": (
                "异议已收到。请妥善保存案件编号和查询密钥：查询密钥只显示这一次，"
                "秘书处无法找回；凭二者可在“异议查询”页面查看办理状态和答复。"
            ),
        },
        status_code=201,
        headers=NO_STORE,
    )


def captcha_headers(request: Request) -> tuple[str, str] | None:
    """The captcha id and answer sent in X-Captcha-Id / X-Captcha-Answer (percent-encoded)."""
    challenge_id = request.headers.get(CAPTCHA_ID_HEADER)
    answer = request.headers.get(CAPTCHA_ANSWER_HEADER)
    if challenge_id is None and answer is None:
        return None
    return unquote(challenge_id or "").strip(), unquote(answer or "").strip()


async def _follow(
    request: Request,
    case_number: str,
    key: str | None,
    db: Database,
    objections: Objections,
    content: Content,
) -> JSONResponse:
    if not key or not key.strip():
        raise APIError(422, "key_missing", "查询密钥：必须填写")
    result = await db.run(
        lambda session: cases.follow_up(session, objections, content, case_number, key)
    )
    return JSONResponse(result, headers=NO_STORE)


@router.get(
    "/objections/{case_number}",
    response_model=FollowUpOut,
    dependencies=[rate_limit(FOLLOW_UP_LIMIT)],
)
async def follow_case(
    request: Request,
    case_number: str,
    db: DatabaseDep,
    content: ContentDep,
    objections: ObjectionsDep,
    x_objection_key: Annotated[str | None, Header(max_length=64)] = None,
) -> JSONResponse:
    """A case's status and reply, with its key in the X-Objection-Key header."""
    return await _follow(request, case_number, x_objection_key, db, objections, content)


@router.post(
    "/objections/{case_number}",
    response_model=FollowUpOut,
    dependencies=[rate_limit(FOLLOW_UP_LIMIT)],
)
async def follow_case_post(
    request: Request,
    case_number: str,
    body: FollowUpRequest,
    db: DatabaseDep,
    content: ContentDep,
    objections: ObjectionsDep,
) -> JSONResponse:
    """A case's status and reply, with its key in the JSON body."""
    return await _follow(request, case_number, body.key, db, objections, content)
