"""Issuing a human check's challenge for an action a feature registered (a vote, an SMS, an objection)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from vote_api.captchas.schemas import CaptchaOut, CaptchaRequest, HumanCheckPage, HumanChecksOut
from vote_api.core.deps import SettingsDep
from vote_api.core.humancheck import Purposes
from vote_api.core.limits import CAPTCHA_LIMIT, rate_limit
from vote_api.core.parts import part
from vote_api.core.state import core_state
from vote_api.core.vendorcheck.registry import page_config

router = APIRouter(tags=["captcha"])


@router.post("/captchas", response_model=CaptchaOut, dependencies=[rate_limit(CAPTCHA_LIMIT)])
async def issue_captcha(request: Request, body: CaptchaRequest) -> Response:
    """Issue a single-use challenge bound to the ballot or notice, valid a few minutes.

    A hot path (bench/bench_vote.py measures its server CPU per challenge): the app's parts
    are looked up directly rather than as dependencies, and the answer is serialised once.
    """
    core = core_state(request.app)
    purpose = part(request.app, Purposes)[body.purpose]
    now = core.now()
    scope = purpose.scope_of(core.content, body.target)
    challenge = await core.human_check.issue(request, scope, body.kind, now)
    out = CaptchaOut(
        captcha_id=challenge.challenge_id,
        kind=challenge.kind,
        media_type=challenge.media_type,
        data=challenge.data,
        expires_in=challenge.expires_in,
    )
    response = Response(out.model_dump_json(), media_type="application/json")
    if purpose.on_issue is not None:
        purpose.on_issue(request, response)  # e.g. a new visitor gets a voter token
    return response


@router.get("/human-checks", response_model=HumanChecksOut)
async def human_checks(settings: SettingsDep) -> HumanChecksOut:
    """The human check of each action, and what the page needs to run a vendor's widget."""
    pages = {
        purpose: HumanCheckPage.model_validate(page_config(settings, purpose))
        for purpose in ("sms", "vote", "objection")
    }
    return HumanChecksOut(**pages)
