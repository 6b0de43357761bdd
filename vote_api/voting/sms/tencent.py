"""Tencent Cloud SMS (2021-01-11, SendSms) through its official Python SDK."""

from __future__ import annotations

from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111.models import SendSmsRequest
from tencentcloud.sms.v20210111.sms_client import SmsClient

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

DEFAULT_ENDPOINT = "sms.tencentcloudapi.com"
DEFAULT_REGION = "ap-guangzhou"
#: Gateway codes that mean the number cannot get an SMS (the voter should use another).
NUMBER_INVALID = frozenset(
    {
        "InvalidParameterValue.IncorrectPhoneNumber",
        "FailedOperation.PhoneNumberParseFail",
        "FailedOperation.PhoneNumberInBlacklist",
        "UnsupportedOperation.UnsupportedRegion",
    }
)
#: Per-number frequency controls (30 s, an hour, a day, same content) and the daily cap.
QUOTA_EXCEEDED = frozenset(
    {
        "LimitExceeded.PhoneNumberDailyLimit",
        "LimitExceeded.PhoneNumberOneHourLimit",
        "LimitExceeded.PhoneNumberThirtySecondLimit",
        "LimitExceeded.PhoneNumberSameContentDailyLimit",
        "LimitExceeded.DeliveryFrequencyLimit",
    }
)


def error_for(code: str) -> SmsError:
    """The error a SendSms code (other than Ok) means; anything unknown is the gateway's."""
    if code in NUMBER_INVALID:
        return SmsNumberInvalid(f"tencent: {code}")
    if code in QUOTA_EXCEEDED:
        return SmsQuotaExceeded(f"tencent: {code}")
    return SmsUnavailable(f"tencent: {code}")


class TencentGateway:
    """Sends the code as the only parameter of a registered template of an SMS application."""

    name = "tencent"

    def __init__(
        self,
        secret_id: str,
        secret_key: str,
        sdk_app_id: str,
        sign_name: str,
        template_id: str,
        endpoint: str | None = None,
        timeout: float = 5.0,
        region: str = DEFAULT_REGION,
    ) -> None:
        protocol, host = split_endpoint(endpoint or DEFAULT_ENDPOINT)
        keep_sdk_debug_out_of_logs()
        self.sdk_app_id = sdk_app_id
        self.sign_name = sign_name
        self.template_id = template_id
        self.timeout = timeout
        http = HttpProfile(protocol=protocol, endpoint=host, reqTimeout=max(1, round(timeout)))
        self._client = SmsClient(
            Credential(secret_id, secret_key), region, ClientProfile(httpProfile=http)
        )

    def _send(self, phone: str, code: str) -> str:
        """The blocking SDK call; returns the gateway's result code ("Ok" when sent)."""
        request = SendSmsRequest()
        request.PhoneNumberSet = [f"+86{phone}"]
        request.SmsSdkAppId = self.sdk_app_id
        request.SignName = self.sign_name
        request.TemplateId = self.template_id
        request.TemplateParamSet = [code]
        try:
            response = self._client.SendSms(request)
        except TencentCloudSDKException as error:
            return str(error.code or "TencentCloudSDKException")
        except Exception as error:
            return type(error).__name__
        statuses = response.SendStatusSet or []
        return str(statuses[0].Code) if statuses else "EmptyResponse"

    async def send_code(self, phone: str, code: str) -> None:
        """Send `code` to `phone`; the gateway's refusals become the three SMS errors."""
        result = await run_blocking(lambda: self._send(phone, code), self.timeout, self.name)
        if result != "Ok":
            error = error_for(result)
            log.warning("SMS gateway tencent refused a send: %s", result)
            raise error
