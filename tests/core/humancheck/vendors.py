"""Settings of the vendor checks pointed at a local fake, and what their endpoints answer."""

from __future__ import annotations

from typing import Any

from tests.voting.sms.fake_endpoint import FakeEndpoint

TENCENT_ID, TENCENT_KEY = "AKID-captcha-test", "captcha-test-key"
TENCENT_APP_ID, TENCENT_APP_KEY = "190012345", "app-secret-key-test"
ALIYUN_ID, ALIYUN_SECRET = "LTAI-captcha-test", "captcha-test-secret"
ALIYUN_SCENE, ALIYUN_PREFIX = "scene1x2y", "no2a7k"


def tencent_settings(endpoint: FakeEndpoint, *purposes: str, **extra: Any) -> dict[str, Any]:
    """Settings choosing Tencent Cloud Captcha for ``purposes``, verified at the fake."""
    return {
        **{f"human_check_{purpose}": "tencent" for purpose in purposes},
        "tencent_captcha_secret_id": TENCENT_ID,
        "tencent_captcha_secret_key": TENCENT_KEY,
        "tencent_captcha_app_id": TENCENT_APP_ID,
        "tencent_captcha_app_secret_key": TENCENT_APP_KEY,
        "tencent_captcha_endpoint": endpoint.url,
        **extra,
    }


def aliyun_settings(endpoint: FakeEndpoint, *purposes: str, **extra: Any) -> dict[str, Any]:
    """Settings choosing Alibaba Cloud Captcha 2.0 for ``purposes``, verified at the fake."""
    return {
        **{f"human_check_{purpose}": "aliyun" for purpose in purposes},
        "aliyun_captcha_access_key_id": ALIYUN_ID,
        "aliyun_captcha_access_key_secret": ALIYUN_SECRET,
        "aliyun_captcha_scene_id": ALIYUN_SCENE,
        "aliyun_captcha_prefix": ALIYUN_PREFIX,
        "aliyun_captcha_endpoint": endpoint.url,
        **extra,
    }


def tencent_answer(code: int) -> dict[str, Any]:
    """A DescribeCaptchaResult answer with ``code`` as its CaptchaCode."""
    return {
        "Response": {
            "CaptchaCode": code,
            "CaptchaMsg": "OK" if code == 1 else "x",
            "EvilLevel": 0,
            "GetCaptchaTime": 0,
            "RequestId": "3c140219-cfe9-470e-b241-907877d6fb03",
        }
    }


def tencent_error(code: str) -> dict[str, Any]:
    """A Tencent Cloud API error answer."""
    return {"Response": {"Error": {"Code": code, "Message": "x"}, "RequestId": "r-1"}}


def aliyun_answer(passed: bool, code: str) -> dict[str, Any]:
    """A VerifyIntelligentCaptcha answer."""
    return {
        "RequestId": "6D6F1A14-0E3B-5B5B-8D50-1A2B3C4D5E6F",
        "Success": True,
        "Code": "Success",
        "Message": "success",
        "Result": {"VerifyResult": passed, "VerifyCode": code},
    }
