"""The SMS gateway interface, its three errors, and running a blocking SDK call off the loop."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable
from typing import Protocol, TypeVar, runtime_checkable

from vote_api.core.sdklogs import SDK_LOGGERS, keep_sdk_debug_out_of_logs

log = logging.getLogger("vote_api.sms")
__all__ = ["SDK_LOGGERS", "keep_sdk_debug_out_of_logs"]
T = TypeVar("T")

#: SDK calls block; they run here, never on the event loop's thread.
_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="sms")


class SmsError(Exception):
    """A send that failed, with what to tell the voter (Chinese) and an HTTP status."""

    code = "sms_failed"
    status = 503
    message = "短信发送失败，请稍后再试"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.message)
        #: What the gateway said (its error code), for the log; never shown to the voter.
        self.detail = detail


class SmsNumberInvalid(SmsError):
    """The gateway refused the number (malformed, not a mobile, or cannot receive)."""

    code = "sms_number_invalid"
    status = 400
    message = "短信无法发送到该号码：请核对手机号码，或改用其他中国大陆手机号码"


class SmsQuotaExceeded(SmsError):
    """The gateway's per-number frequency or daily limit is reached."""

    code = "sms_quota_exceeded"
    status = 429
    message = "该号码接收验证码过于频繁或已达今日上限：请查看已收到的短信，或稍后再试"


class SmsUnavailable(SmsError):
    """The gateway is down, slow, misconfigured or out of credit: not the voter's fault."""

    code = "sms_unavailable"
    status = 503
    message = "短信服务暂时不可用，请稍后再试（本次不计入发送次数）"


@runtime_checkable
class SmsGateway(Protocol):
    """Sends a verification code to a mainland mobile number (11 digits, no prefix)."""

    name: str

    async def send_code(self, phone: str, code: str) -> None:
        """Send `code` to `phone`, or raise SmsNumberInvalid, SmsQuotaExceeded or SmsUnavailable."""
        ...


async def run_blocking(call: Callable[[], T], timeout: float, gateway: str) -> T:
    """Run a blocking SDK call in the SMS thread pool; past `timeout` s, SmsUnavailable."""
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(_POOL, call)
    try:
        return await asyncio.wait_for(future, timeout)
    except TimeoutError:
        # The thread ends by the SDK's own timeout (set to the same value); nobody waits for it.
        log.warning("SMS gateway %s timed out after %.1f s", gateway, timeout)
        raise SmsUnavailable(f"{gateway}: timeout") from None


def mask(phone: str) -> str:
    """A number as it may appear in a log: its operator segment only."""
    return phone[:3] + "*" * max(0, len(phone) - 3)
