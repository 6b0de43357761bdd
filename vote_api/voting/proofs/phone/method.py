"""The ``phone`` proof: a mainland mobile number proven by an SMS code.

The voter asks for a code and types it back (``router``); the browser then holds a signed
30-minute session of the number (``session``), and its votes are stored under the number's
keyed hash, with its operator segment and a bucket of its 7-digit block as review traits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar

from fastapi import APIRouter, Depends, Request, Response

from award.models import Ballot, VoterProof
from vote_api.core.client import request_address
from vote_api.core.content import ContentHolder
from vote_api.core.db import Database
from vote_api.core.deps import HumanCheckDep, NowDep
from vote_api.core.errors import APIError
from vote_api.core.humancheck import HumanAnswer
from vote_api.core.limits import SMS_LIMIT, VERIFY_LIMIT, rate_limit
from vote_api.core.parts import dependency
from vote_api.voting.proofs.method import BallotReadingProof, Proof, ProofSetup, Voter
from vote_api.voting.proofs.phone.codes import (
    CODE_TTL,
    RESEND_AFTER,
    SendPlan,
    block_key,
    check_code,
    give_back,
    issue_code,
    phone_key,
    review_block,
)
from vote_api.voting.proofs.phone.numbers import (
    PhoneNumber,
    PhoneNumberError,
    parse_voter_phone,
    refusal,
)
from vote_api.voting.proofs.phone.schemas import (
    PhoneCodeIn,
    PhoneCodeSent,
    PhoneVerified,
    PhoneVerifyIn,
)
from vote_api.voting.proofs.phone.session import SESSION_TTL, PhoneSessions, VerifiedPhone
from vote_api.voting.sms.console import BANNER
from vote_api.voting.sms.economics import SmsPolicy, pace_network, tightened
from vote_api.voting.sms.factory import SmsConfig, build_gateway
from vote_api.voting.sms.gateway import SmsError, SmsGateway

router = APIRouter(tags=["phone"])

SPECIAL_NUMBER_REFUSED = (
    "本投票不接受虚拟运营商号段、物联网或上网卡号码，请改用其他中国大陆手机号码验证后投票"
)


class PhoneProof(BallotReadingProof):
    """Numbers proven by SMS code: the gateway, the sessions, and the proof of a vote."""

    name: ClassVar[VoterProof] = VoterProof.PHONE
    router: ClassVar[APIRouter | None] = router
    verifies: ClassVar[bool] = True

    def __init__(
        self,
        secret: bytes,
        db: Database,
        contents: ContentHolder,
        sessions: PhoneSessions,
        sms: SmsGateway,
        *,
        show_console_codes: bool,
        policy: SmsPolicy | None = None,
    ) -> None:
        self.secret = secret
        self.db = db
        self._contents = contents
        self.sessions = sessions
        self.sms = sms
        #: Whether the page may show a console gateway's code (never in production).
        self.show_console_codes = show_console_codes
        #: The daily ceiling, block cap and verified-share watch of SMS sends.
        self.policy = policy or SmsPolicy()

    @classmethod
    def build(cls, setup: ProofSetup) -> PhoneProof:
        """The phone proof of an app's settings: its SMS gateway and its session cookie."""
        settings = setup.settings
        production = settings.environment == "production"
        gateway = build_gateway(
            SmsConfig(
                sms_kind=settings.sms_kind,
                sms_access_key_id=settings.sms_access_key_id,
                sms_access_key_secret=settings.sms_access_key_secret.get_secret_value(),
                sms_sign_name=settings.sms_sign_name,
                sms_template_id=settings.sms_template_id,
                sms_app_id=settings.sms_app_id,
                sms_endpoint=settings.sms_endpoint,
                sms_timeout_seconds=settings.sms_timeout_seconds,
                production=production,
            )
        )
        return cls(
            settings.secret,
            setup.db,
            setup.contents,
            PhoneSessions(settings.secret, settings.trusted_proxies),
            gateway,
            show_console_codes=settings.sms_kind == "console" and not production,
            policy=SmsPolicy(
                daily_ceiling=settings.sms_daily_budget,
                block_daily_cap=settings.sms_block_daily_cap,
                verified_share_floor=settings.sms_verified_share_floor,
                watch_min_sent=settings.sms_watch_min_sent,
                network_hourly_limit=settings.sms_network_hourly_limit,
            ),
        )

    def prove(self, request: Request, ballot: Ballot, now: datetime, device: Voter) -> Proof:
        """The verified number's proof; 401 before verifying, 403 for a refused segment."""
        phone = self.sessions.require(request, now)
        if phone.special and ballot.refuse_virtual_numbers:
            raise APIError(403, "phone_segment_refused", SPECIAL_NUMBER_REFUSED)
        return _proof(phone)

    def known(self, request: Request, now: datetime, device: Voter) -> Proof | None:
        """The proof of the number this browser verified, if its session is still on."""
        phone = self.sessions.read(request, now)
        return None if phone is None else _proof(phone)


def _proof(phone: VerifiedPhone) -> Proof:
    return Proof(
        voter_key=phone.key, traits={"phone_segment": phone.segment, "phone_block": phone.block}
    )


#: The app's phone proof, for its own routes.
PhoneMethod = Annotated[PhoneProof, Depends(dependency(PhoneProof))]


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
        503: {"description": "短信服务暂时不可用（不计入次数）；当天发送量已达上限"},
    },
)
async def request_code(
    request: Request, body: PhoneCodeIn, phone: PhoneMethod, check: HumanCheckDep, now: NowDep
) -> PhoneCodeSent:
    """Send a 6-digit code to the number (captcha first; paced and capped per number)."""
    entry = phone.catalog.get(body.ballot_id)
    number = _parse(body.phone, entry.ballot.refuse_virtual_numbers)
    policy = phone.policy
    tight = await phone.db.run(lambda session: tightened(session, policy, number.segment, now))
    await pace_network(request, policy, tight=tight)
    answer = HumanAnswer(body.captcha_id, body.captcha_answer, request_address(request))
    await check.verify(answer, f"sms:{entry.id}", now)
    key = phone_key(phone.secret, number.digits)
    plan = SendPlan(block_key(phone.secret, number.digits), number.segment, policy, tight)
    issued = await phone.db.run(lambda session: issue_code(session, phone.secret, key, now, plan))
    try:
        await phone.sms.send_code(number.digits, issued.code)
    except SmsError as error:
        await phone.db.run(lambda session: give_back(session, key, issued, now))
        raise APIError(error.status, error.code, error.message) from None
    shown = phone.show_console_codes
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
    request: Request, response: Response, body: PhoneVerifyIn, phone: PhoneMethod, now: NowDep
) -> PhoneVerified:
    """Check the code; on success the browser gets a 30-minute session for phone ballots."""
    number = _parse(body.phone, refuse_special=False)
    key = phone_key(phone.secret, number.digits)
    await phone.db.run(
        lambda session: check_code(session, phone.secret, key, body.code, now, number.segment)
    )
    until = now + SESSION_TTL
    verified = VerifiedPhone(
        key=key,
        segment=number.segment,
        block=review_block(phone.secret, number.digits),
        special=refusal(number.digits) is not None,
        until=until,
    )
    phone.sessions.remember(request, response, verified)
    return PhoneVerified(
        message=f"手机号码 {_masked(number)} 已验证，30 分钟内可在各项手机号码投票中投票",
        phone_masked=_masked(number),
        valid_until=until,
    )
