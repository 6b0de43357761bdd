"""Alibaba Cloud Captcha 2.0 (2023-03-05, VerifyIntelligentCaptcha) through its official Python SDK."""

from __future__ import annotations

from alibabacloud_captcha20230305.client import Client
from alibabacloud_captcha20230305.models import VerifyIntelligentCaptchaRequest
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_util.models import RuntimeOptions

from vote_api.core.endpoint import split_endpoint
from vote_api.core.vendorcheck.vendor import Outcome

DEFAULT_ENDPOINT = "captcha.cn-shanghai.aliyuncs.com"
#: The page's script, and the hosts it loads from (the vote and objection pages' CSP).
SCRIPT = "https://o.alicdn.com/captcha-frontend/aliyunCaptcha/AliyunCaptcha.js"
HOSTS = ("https://o.alicdn.com", "https://*.captcha-open.aliyuncs.com")
#: VerifyCode values: T001 passed; T005 expired; the F codes failed (F001 suspected, F002
#: empty, F003 malformed, F004 forged, F005 another scene, F006 reused, F008 failed).
PASSED = "T001"
EXPIRED = frozenset({"T005"})


def outcome_for(verify_result: object, verify_code: str) -> Outcome:
    """The outcome of a verification result: only an explicit pass passes."""
    if verify_result is True and verify_code == PASSED:
        return Outcome.PASSED
    if verify_code in EXPIRED:
        return Outcome.EXPIRED
    if verify_code.startswith("F") or verify_result is False:
        return Outcome.FAILED
    return Outcome.UNAVAILABLE


class AliyunCaptcha:
    """Passes the page's CaptchaVerifyParam to VerifyIntelligentCaptcha unchanged."""

    def __init__(
        self,
        access_key_id: str,
        access_key_secret: str,
        scene_id: str,
        endpoint: str | None = None,
        timeout: float = 3.0,
    ) -> None:
        protocol, host = split_endpoint(endpoint or DEFAULT_ENDPOINT, "人机验证服务")
        self.scene_id = scene_id
        self._timeout_ms = int(timeout * 1000)
        self._client = Client(
            open_api_models.Config(
                access_key_id=access_key_id,
                access_key_secret=access_key_secret,
                endpoint=host,
                protocol=protocol,
                read_timeout=self._timeout_ms,
                connect_timeout=self._timeout_ms,
            )
        )

    def __call__(self, param: str, _answer: str, _address: str) -> tuple[Outcome, str]:
        """The blocking SDK call: the outcome and the vendor's code."""
        request = VerifyIntelligentCaptchaRequest(
            captcha_verify_param=param, scene_id=self.scene_id
        )
        runtime = RuntimeOptions(
            autoretry=False, read_timeout=self._timeout_ms, connect_timeout=self._timeout_ms
        )
        response = self._client.verify_intelligent_captcha_with_options(request, runtime)
        body = response.body
        if body is None or body.result is None:
            return Outcome.UNAVAILABLE, str(getattr(body, "code", None) or "EmptyResponse")
        code = str(body.result.verify_code or "")
        return outcome_for(body.result.verify_result, code), code or "NoVerifyCode"
