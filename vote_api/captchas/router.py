"""Issuing a human check's challenge for an action a feature registered (a vote, an SMS, an objection)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from vote_api.captchas.schemas import CaptchaOut, CaptchaRequest, HumanCheckPage, HumanChecksOut
from vote_api.core.deps import ContentDep, HumanCheckDep, NowDep, PurposesDep, SettingsDep
from vote_api.core.limits import CAPTCHA_LIMIT, rate_limit
from vote_api.core.vendorcheck.registry import page_config

router = APIRouter(tags=["captcha"])


@router.post("/captchas", response_model=CaptchaOut, dependencies=[rate_limit(CAPTCHA_LIMIT)])
async def issue_captcha(
    request: Request,
    response: Response,
    body: CaptchaRequest,
    content: ContentDep,
    check: HumanCheckDep,
    purposes: PurposesDep,
    now: NowDep,
) -> CaptchaOut:
    """Issue a single-use challenge bound to the ballot or notice, valid a few minutes."""
    purpose = purposes[body.purpose]
    scope = purpose.scope_of(content, body.target)
    challenge = await check.issue(request, scope, body.kind, now)
    if purpose.on_issue is not None:
        purpose.on_issue(request, response)  # e.g. a new visitor gets a voter token
    return CaptchaOut(
        captcha_id=challenge.challenge_id,
        kind=challenge.kind,
        media_type=challenge.media_type,
        data=challenge.data,
        expires_in=challenge.expires_in,
    )


@router.get("/human-checks", response_model=HumanChecksOut)
async def human_checks(settings: SettingsDep) -> HumanChecksOut:
    """The human check of each action, and what the page needs to run a vendor's widget."""
    pages = {
        purpose: HumanCheckPage.model_validate(page_config(settings, purpose))
        for purpose in ("sms", "vote", "objection")
    }
    return HumanChecksOut(**pages)
