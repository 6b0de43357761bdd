"""Tencent Cloud Captcha (2019-07-22, DescribeCaptchaResult) through its official Python SDK."""

from __future__ import annotations

from tencentcloud.captcha.v20190722.captcha_client import CaptchaClient
from tencentcloud.captcha.v20190722.models import DescribeCaptchaResultRequest
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

from vote_api.core.endpoint import split_endpoint
from vote_api.core.vendorcheck.vendor import Outcome

DEFAULT_ENDPOINT = "captcha.tencentcloudapi.com"
#: The page's script, and the hosts it loads from (the vote and objection pages' CSP).
SCRIPT = "https://turing.captcha.qcloud.com/TCaptcha.js"
HOSTS = ("https://turing.captcha.qcloud.com", "https://turing.captcha.gtimg.com")
#: CaptchaType: "fixed: 9" for the current web and app widgets.
CAPTCHA_TYPE = 9
#: CaptchaCode values: 1 passed; 8 expired; 7, 9 (reused), 15, 21 (risk) failed; 16 and 100
#: are a wrong app id or key (the secretariat's set-up, not the person's).
PASSED = 1
EXPIRED = frozenset({8})
FAILED = frozenset({7, 9, 15, 21})


def outcome_for(code: int) -> Outcome:
    """The outcome of a CaptchaCode; anything unknown is the vendor's problem (fail closed)."""
    if code == PASSED:
        return Outcome.PASSED
    if code in EXPIRED:
        return Outcome.EXPIRED
    if code in FAILED:
        return Outcome.FAILED
    return Outcome.UNAVAILABLE


class TencentCaptcha:
    """Asks DescribeCaptchaResult about a ticket, its random string and the person's address."""

    def __init__(
        self,
        secret_id: str,
        secret_key: str,
        app_id: int,
        app_secret_key: str,
        endpoint: str | None = None,
        timeout: float = 3.0,
    ) -> None:
        protocol, host = split_endpoint(endpoint or DEFAULT_ENDPOINT, "人机验证服务")
        self.app_id = app_id
        self._app_secret_key = app_secret_key
        http = HttpProfile(protocol=protocol, endpoint=host, reqTimeout=max(1, round(timeout)))
        self._client = CaptchaClient(
            Credential(secret_id, secret_key), "", ClientProfile(httpProfile=http)
        )

    def __call__(self, ticket: str, randstr: str, address: str) -> tuple[Outcome, str]:
        """The blocking SDK call: the outcome and the vendor's code."""
        request = DescribeCaptchaResultRequest()
        request.CaptchaType = CAPTCHA_TYPE
        request.Ticket = ticket
        request.Randstr = randstr
        request.UserIp = address
        request.CaptchaAppId = self.app_id
        request.AppSecretKey = self._app_secret_key
        try:
            response = self._client.DescribeCaptchaResult(request)
        except TencentCloudSDKException as error:
            return Outcome.UNAVAILABLE, str(error.code or "TencentCloudSDKException")
        code = response.CaptchaCode
        if not isinstance(code, int):
            return Outcome.UNAVAILABLE, "NoCaptchaCode"
        return outcome_for(code), f"CaptchaCode {code}"
