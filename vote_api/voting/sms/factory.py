"""Choosing the SMS gateway from settings: console, Alibaba Cloud or Tencent Cloud."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from vote_api.voting.sms.console import ConsoleGateway
from vote_api.voting.sms.gateway import SmsGateway

SmsKind = Literal["console", "aliyun", "tencent"]


class SmsSettings(Protocol):
    """What the factory reads (a pydantic settings object with these fields will do)."""

    sms_kind: str
    sms_access_key_id: str
    sms_access_key_secret: str
    sms_sign_name: str
    sms_template_id: str
    #: Tencent only: the SMS application's SdkAppId.
    sms_app_id: str
    #: Empty for the gateway's public endpoint; "http://127.0.0.1:port" for a local fake.
    sms_endpoint: str
    sms_timeout_seconds: float
    #: True in production: the console gateway then keeps numbers and codes out of the log.
    production: bool


@dataclass
class SmsConfig:
    """A plain SmsSettings, for tests, benchmarks and scripts."""

    sms_kind: str = "console"
    sms_access_key_id: str = ""
    sms_access_key_secret: str = ""
    sms_sign_name: str = ""
    sms_template_id: str = ""
    sms_app_id: str = ""
    sms_endpoint: str = ""
    sms_timeout_seconds: float = 5.0
    production: bool = False


def build_gateway(settings: SmsSettings) -> SmsGateway:
    """The gateway the settings name; ValueError (Chinese) when a required field is empty."""
    kind = settings.sms_kind
    if kind == "console":
        return ConsoleGateway(production=settings.production)
    if kind not in ("aliyun", "tencent"):
        raise ValueError(f"短信网关类型无效：{kind!r}（可选 console、aliyun、tencent）")
    required = ["sms_access_key_id", "sms_access_key_secret", "sms_sign_name", "sms_template_id"]
    if kind == "tencent":
        required.append("sms_app_id")
    missing = [name for name in required if not str(getattr(settings, name, "") or "").strip()]
    if missing:
        raise ValueError(f"短信网关 {kind} 缺少设置：{'、'.join(missing)}")
    if settings.sms_timeout_seconds <= 0:
        raise ValueError("短信网关超时须为正数（秒）")
    endpoint = settings.sms_endpoint or None
    if kind == "aliyun":
        from vote_api.voting.sms.aliyun import AliyunGateway

        return AliyunGateway(
            access_key_id=settings.sms_access_key_id,
            access_key_secret=settings.sms_access_key_secret,
            sign_name=settings.sms_sign_name,
            template_id=settings.sms_template_id,
            endpoint=endpoint,
            timeout=settings.sms_timeout_seconds,
        )
    from vote_api.voting.sms.tencent import TencentGateway

    return TencentGateway(
        secret_id=settings.sms_access_key_id,
        secret_key=settings.sms_access_key_secret,
        sdk_app_id=settings.sms_app_id,
        sign_name=settings.sms_sign_name,
        template_id=settings.sms_template_id,
        endpoint=endpoint,
        timeout=settings.sms_timeout_seconds,
    )
