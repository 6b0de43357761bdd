"""Issuing captchas for a vote on a ballot or an objection to a notice."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from award.content import Content
from vote_api.captchas.schemas import CaptchaOut, CaptchaRequest
from vote_api.core.captcha import CaptchaKind
from vote_api.core.errors import APIError
from vote_api.core.limits import AUDIO_CAPTCHA_LIMIT, CAPTCHA_LIMIT, hit_extra_limit, rate_limit
from vote_api.core.rendering import drawing
from vote_api.deps import CaptchaDep, ContentDep, DatabaseDep, IdentityDep, NowDep, VoterDep


def captcha_scope(content: Content, purpose: str, target: str) -> str:
    """The scope a challenge is bound to; refuses an unknown ballot or notice."""
    if purpose in ("vote", "sms"):
        if not any(ballot.id == target for _, ballot in content.ballots()):
            raise APIError(404, "ballot_not_found", f"没有编号为 {target[:40]} 的投票")
        return f"{purpose}:{target}"
    notice = content.notice(target)
    if notice is None or not notice.meta.objections:
        raise APIError(404, "notice_not_found", f"没有编号为 {target} 的可提出异议的公示")
    return f"objection:{target}"


router = APIRouter(tags=["captcha"])


@router.post("/captchas", response_model=CaptchaOut, dependencies=[rate_limit(CAPTCHA_LIMIT)])
async def issue_captcha(
    request: Request,
    response: Response,
    body: CaptchaRequest,
    content: ContentDep,
    db: DatabaseDep,
    captcha: CaptchaDep,
    now: NowDep,
    identity: IdentityDep,
    voter: VoterDep,
) -> CaptchaOut:
    """Issue a single-use challenge bound to the ballot or notice, valid a few minutes."""
    scope = captcha_scope(content, body.purpose, body.target)
    if body.kind is CaptchaKind.AUDIO:
        await hit_extra_limit(request, AUDIO_CAPTCHA_LIMIT, "audio-captcha")
        if drawing.audio_busy():
            raise APIError(
                503,
                "audio_busy",
                "收听语音验证码的人较多，请稍后再试，或改用图形验证码",
                {"Retry-After": "5"},
            )
    challenge_id, answer = await db.run(
        lambda session: captcha.store(session, scope, body.kind, now)
    )
    # Drawing is CPU work: in the drawing process, off the database thread and the GIL.
    media_type, data = await drawing.draw(body.kind.value, answer)
    if body.purpose != "objection":
        identity.remember(request, response, voter)  # a new visitor gets a voter token
    return CaptchaOut(
        captcha_id=challenge_id,
        kind=body.kind,
        media_type=media_type,
        data=data,
        expires_in=int(captcha.ttl.total_seconds()),
    )
