"""A vendor's human check behind the ``HumanCheck`` interface: verified over the network, once.

The page runs the vendor's widget and sends its token (``captcha_id``) and, for Tencent
Cloud, the random string (``captcha_answer``). The service first records the token's keyed
hash (a token is accepted once, whatever the vendor says), then asks the vendor, in a thread
of its own, at most ``timeout`` seconds. It fails closed: an error, an unknown answer or no
answer in time refuses with a 503, never lets through. Tokens never reach a log.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from starlette.requests import Request

from vote_api.core.db import Database
from vote_api.core.errors import APIError
from vote_api.core.humancheck import CaptchaKind, Challenge, HumanAnswer, Ticket
from vote_api.core.vendorcheck.tokens import claim, token_hash

log = logging.getLogger("vote_api.humancheck")

#: SDK calls block; they run here, never on the event loop's thread.
_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="humancheck")


class Outcome(StrEnum):
    """What the vendor said of a token."""

    PASSED = "passed"
    FAILED = "failed"
    EXPIRED = "expired"
    #: Down, slow, misconfigured (wrong keys or app id), out of credit: not the person's fault.
    UNAVAILABLE = "unavailable"


#: Asks the vendor (blocking): token, answer (Tencent's random string), the person's address;
#: returns the outcome and the vendor's own code, for the log.
Ask = Callable[[str, str, str], tuple[Outcome, str]]

ON_THE_PAGE = APIError(
    400,
    "human_check_on_page",
    "本页的人机验证由页面上的验证组件完成，无需另取验证码：请刷新页面后重试",
)
REUSED = APIError(400, "captcha_invalid", "人机验证已使用过，请重新完成验证后再提交")
FAILED = APIError(400, "captcha_wrong", "人机验证未通过，请重新完成验证后再提交")
EXPIRED = APIError(400, "captcha_expired", "人机验证已过期，请重新完成验证后再提交")
UNAVAILABLE = APIError(
    503,
    "human_check_unavailable",
    "人机验证服务暂时无法连接，本次未提交，请稍后再试",
    {"Retry-After": "10"},
)
_REFUSALS = {Outcome.FAILED: FAILED, Outcome.EXPIRED: EXPIRED, Outcome.UNAVAILABLE: UNAVAILABLE}


def refusal(outcome: Outcome) -> APIError:
    """A fresh copy of the refusal for an outcome other than PASSED."""
    found = _REFUSALS[outcome]
    return APIError(found.status, found.code, found.message, dict(found.headers))


class VendorCheck:
    """A vendor's check: nothing to issue, each token verified once over the network."""

    def __init__(self, name: str, ask: Ask, db: Database, secret: bytes, timeout: float) -> None:
        self.name = name
        self._ask = ask
        self._db = db
        self._secret = secret
        self.timeout = timeout

    async def issue(
        self, request: Request, scope: str, kind: CaptchaKind, now: datetime
    ) -> Challenge:
        """Nothing to issue: the page runs the vendor's widget."""
        raise APIError(ON_THE_PAGE.status, ON_THE_PAGE.code, ON_THE_PAGE.message)

    async def verify(self, answer: HumanAnswer, scope: str, now: datetime) -> None:
        """Use the token up and ask the vendor; refuse a failed, expired or unverifiable one."""
        await self._check(answer, now)

    async def ticket(self, answer: HumanAnswer, scope: str, now: datetime) -> Ticket:
        """Verified before the transaction: the ticket leaves it nothing to check."""
        await self._check(answer, now)
        return Ticket(challenge_id=None, answer_hash=None, scope=scope)

    async def _check(self, answer: HumanAnswer, now: datetime) -> None:
        hashed = token_hash(self._secret, self.name, answer.challenge_id)
        if not await self._db.run(lambda session: claim(session, hashed, now)):
            raise APIError(REUSED.status, REUSED.code, REUSED.message)
        outcome, detail = await self._asked(answer)
        if outcome is not Outcome.PASSED:
            log.info("human check %s refused a token: %s", self.name, detail)
            raise refusal(outcome)

    async def _asked(self, answer: HumanAnswer) -> tuple[Outcome, str]:
        loop = asyncio.get_running_loop()

        def ask() -> tuple[Outcome, str]:
            try:
                return self._ask(answer.challenge_id, answer.answer, answer.address)
            except Exception as error:  # the SDKs raise their own and their HTTP stacks' errors
                return Outcome.UNAVAILABLE, str(
                    getattr(error, "code", None) or type(error).__name__
                )

        try:
            return await asyncio.wait_for(loop.run_in_executor(_POOL, ask), self.timeout)
        except TimeoutError:
            # The thread ends by the SDK's own timeout (set to the same value); nobody waits.
            log.warning("human check %s timed out after %.1f s", self.name, self.timeout)
            return Outcome.UNAVAILABLE, "timeout"
