"""Choosing the gateway from settings, and refusing incomplete settings in Chinese."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.factories import run_async
from tests.voting.sms.fake_endpoint import FakeEndpoint, Reply
from vote_api.voting.sms import SmsGateway
from vote_api.voting.sms.aliyun import AliyunGateway
from vote_api.voting.sms.console import ConsoleGateway
from vote_api.voting.sms.endpoint import split_endpoint
from vote_api.voting.sms.factory import SmsConfig, build_gateway
from vote_api.voting.sms.tencent import TencentGateway

FULL = SmsConfig(
    sms_access_key_id="id",
    sms_access_key_secret="secret",
    sms_sign_name="签名",
    sms_template_id="T1",
    sms_app_id="1400000001",
    sms_timeout_seconds=2.5,
)


def test_console_is_the_default() -> None:
    gateway = build_gateway(SmsConfig())
    assert isinstance(gateway, ConsoleGateway) and not gateway.production
    assert build_gateway(SmsConfig(production=True)).production  # type: ignore[attr-defined]


@pytest.mark.parametrize(("kind", "cls"), [("aliyun", AliyunGateway), ("tencent", TencentGateway)])
def test_real_gateways_are_built_from_settings(kind: str, cls: type) -> None:
    gateway = build_gateway(replace(FULL, sms_kind=kind))
    assert isinstance(gateway, cls) and isinstance(gateway, SmsGateway)
    assert gateway.timeout == 2.5  # type: ignore[attr-defined]


def test_the_endpoint_override_reaches_the_sdk(endpoint: FakeEndpoint) -> None:
    endpoint.reply = Reply(body={"Code": "OK"})
    gateway = build_gateway(replace(FULL, sms_kind="aliyun", sms_endpoint=endpoint.url))
    run_async(gateway.send_code("13812345678", "246810"))
    assert json.loads(endpoint.received[0].query["TemplateParam"]) == {"code": "246810"}


@pytest.mark.parametrize(
    ("kind", "blank", "named"),
    [
        ("aliyun", "sms_access_key_secret", "sms_access_key_secret"),
        ("aliyun", "sms_template_id", "sms_template_id"),
        ("tencent", "sms_app_id", "sms_app_id"),
        ("tencent", "sms_sign_name", "sms_sign_name"),
    ],
)
def test_missing_settings_are_named(kind: str, blank: str, named: str) -> None:
    with pytest.raises(ValueError, match=f"短信网关 {kind} 缺少设置：.*{named}"):
        build_gateway(replace(FULL, sms_kind=kind, **{blank: "  "}))


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="短信网关类型无效"):
        build_gateway(replace(FULL, sms_kind="carrier-pigeon"))


def test_a_non_positive_timeout_is_refused() -> None:
    with pytest.raises(ValueError, match="超时"):
        build_gateway(replace(FULL, sms_kind="aliyun", sms_timeout_seconds=0))


@pytest.mark.parametrize(
    ("endpoint", "split"),
    [
        ("dysmsapi.aliyuncs.com", ("https", "dysmsapi.aliyuncs.com")),
        ("http://127.0.0.1:8080/", ("http", "127.0.0.1:8080")),
        ("HTTPS://sms.tencentcloudapi.com", ("https", "sms.tencentcloudapi.com")),
    ],
)
def test_endpoint_overrides(endpoint: str, split: tuple[str, str]) -> None:
    assert split_endpoint(endpoint) == split


@pytest.mark.parametrize("endpoint", ["ftp://host", "", "   "])
def test_bad_endpoint_overrides_are_refused(endpoint: str) -> None:
    with pytest.raises(ValueError, match="短信网关地址无效"):
        split_endpoint(endpoint)
