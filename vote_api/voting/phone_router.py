"""Proving a mobile number for phone ballots: ask for an SMS code, then verify it."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlmodel import Session

from vote_api.core.errors import APIError
from vote_api.core.limits import SMS_LIMIT, VERIFY_LIMIT, rate_limit
from vote_api.deps import VotingDep
from vote_api.voting.phone import PhoneNumber, PhoneNumberError, parse_voter_phone, refusal
from vote_api.voting.phone_session import SESSION_TTL, VerifiedPhone
from vote_api.voting.schemas import PhoneCodeIn, PhoneCodeSent, PhoneVerified, PhoneVerifyIn
from vote_api.voting.sms.console import BANNER
from vote_api.voting.sms.gateway import SmsError
from vote_api.voting.verification import (
    CODE_TTL,
    RESEND_AFTER,
    check_code,
    give_back,
    issue_code,
    phone_key,
)

router = APIRouter(tags=["phone"])


def _parse(raw: str, refuse_special: bool) -> PhoneNumber:
    try:
        return parse_voter_phone(raw, refuse_special)
    except PhoneNumberError as error:
        raise APIError(400, error.code, error.message) from None


def _masked(number: PhoneNumber) -> str:
    return f"{number.digits[:3]}****{number.digits[-4:]}"


@router.post(
    "/phone/codes",
    response_model=PhoneCodeSent,
    dependencies=[rate_limit(SMS_LIMIT)],
    responses={
        400: {"description": "号码格式不正确、号段不接受、验证码错误"},
        429: {"description": "同一号码 60 秒内只能获取一次、每天最多 5 次；同一地址每小时次数有限"},
        503: {"description": "短信服务暂时不可用（不计入次数）"},
    },
)
async def request_code(request: Request, body: PhoneCodeIn, voting: VotingDep) -> PhoneCodeSent:
    """Send a 6-digit code to the number (captcha first; paced and capped per number)."""
    entry = voting.catalog.get(body.ballot_id)
    now = voting.now()
    number = _parse(body.phone, entry.ballot.refuse_virtual_numbers)
    scope = f"sms:{entry.id}"

    def use_captcha(session: Session) -> None:
        try:
            voting.captcha.check(session, body.captcha_id, body.captcha_answer, scope, now)
        finally:
            session.commit()  # used up, right or wrong

    await voting.db.run(use_captcha)
    key = phone_key(voting.secret, number.digits)
    issued = await voting.db.run(lambda session: issue_code(session, voting.secret, key, now))
    try:
        await voting.sms.send_code(number.digits, issued.code)
    except SmsError as error:
        await voting.db.run(lambda session: give_back(session, key, issued, now))
        raise APIError(error.status, error.code, error.message) from None
    shown = voting.show_console_codes
    return PhoneCodeSent(
        message=f"验证码已发送到 {_masked(number)}，{int(CODE_TTL.total_seconds() // 60)} 分钟内有效",
        expires_in=int(CODE_TTL.total_seconds()),
        resend_after=int(RESEND_AFTER.total_seconds()),
        console_code=issued.code if shown else None,
        console_notice=BANNER if shown else None,
    )


@router.post(
    "/phone/verify",
    response_model=PhoneVerified,
    dependencies=[rate_limit(VERIFY_LIMIT)],
    responses={
        400: {"description": "验证码不正确或已失效"},
        429: {"description": "验证码输错 5 次，已作废"},
    },
)
async def verify_code(
    request: Request, response: Response, body: PhoneVerifyIn, voting: VotingDep
) -> PhoneVerified:
    """Check the code; on success the browser gets a 30-minute session for phone ballots."""
    number = _parse(body.phone, refuse_special=False)
    now = voting.now()
    key = phone_key(voting.secret, number.digits)
    await voting.db.run(lambda session: check_code(session, voting.secret, key, body.code, now))
    until = now + SESSION_TTL
    verified = VerifiedPhone(
        key=key,
        segment=number.segment,
        block=number.region_block,
        special=refusal(number.digits) is not None,
        until=until,
    )
    voting.phones.remember(request, response, verified)
    return PhoneVerified(
        message=f"手机号码 {_masked(number)} 已验证，30 分钟内可在各项手机号码投票中投票",
        phone_masked=_masked(number),
        valid_until=until,
    )
