"""Alibaba Cloud SMS (Dysmsapi 2017-05-25, SendSms) through its official Python SDK."""

from __future__ import annotations

import json

from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_dysmsapi20170525.models import SendSmsRequest
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.runtime import RuntimeOptions

from vote_api.voting.sms.endpoint import split_endpoint
from vote_api.voting.sms.gateway import (
    SmsError,
    SmsNumberInvalid,
    SmsQuotaExceeded,
    SmsUnavailable,
    keep_sdk_debug_out_of_logs,
    log,
    run_blocking,
)

DEFAULT_ENDPOINT = "dysmsapi.aliyuncs.com"
#: Gateway codes that mean the number cannot get an SMS (the voter should use another).
NUMBER_INVALID = frozenset({"isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT"})
#: Per-number frequency controls (a minute, an hour, a day) and the daily cap.
QUOTA_EXCEEDED = frozenset({"isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL"})


def error_for(code: str) -> SmsError:
    """The error a SendSms code (other than OK) means; anything unknown is the gateway's."""
    if code in NUMBER_INVALID:
        return SmsNumberInvalid(f"aliyun: {code}")
    if code in QUOTA_EXCEEDED:
        return SmsQuotaExceeded(f"aliyun: {code}")
    return SmsUnavailable(f"aliyun: {code}")


class AliyunGateway:
    """Sends the code with a registered template whose parameter `template_param` takes it."""

    name = "aliyun"

    def __init__(
        self,
        access_key_id: str,
        access_key_secret: str,
        sign_name: str,
        template_id: str,
        endpoint: str | None = None,
        timeout: float = 5.0,
        template_param: str = "code",
    ) -> None:
        protocol, host = split_endpoint(endpoint or DEFAULT_ENDPOINT)
        keep_sdk_debug_out_of_logs()
        self.sign_name = sign_name
        self.template_id = template_id
        self.template_param = template_param
        self.timeout = timeout
        self._client = Client(
            Config(
                access_key_id=access_key_id,
                access_key_secret=access_key_secret,
                endpoint=host,
                protocol=protocol,
                read_timeout=int(timeout * 1000),
                connect_timeout=int(timeout * 1000),
            )
        )

    def _send(self, phone: str, code: str) -> str:
        """The blocking SDK call; returns the gateway's result code ("OK" when sent)."""
        request = SendSmsRequest(
            phone_numbers=phone,
            sign_name=self.sign_name,
            template_code=self.template_id,
            template_param=json.dumps({self.template_param: code}),
        )
        runtime = RuntimeOptions(
            autoretry=False,
            read_timeout=int(self.timeout * 1000),
            connect_timeout=int(self.timeout * 1000),
        )
        try:
            response = self._client.send_sms_with_options(request, runtime)
        except Exception as error:  # the SDK raises its own and its HTTP stack's errors
            return str(getattr(error, "code", None) or type(error).__name__)
        return str(response.body.code if response.body else "EmptyResponse")

    async def send_code(self, phone: str, code: str) -> None:
        """Send `code` to `phone`; the gateway's refusals become the three SMS errors."""
        result = await run_blocking(lambda: self._send(phone, code), self.timeout, self.name)
        if result != "OK":
            error = error_for(result)
            log.warning("SMS gateway aliyun refused a send: %s", result)
            raise error
