"""The Alibaba Cloud gateway, driving the real SDK against a local fake endpoint."""

from __future__ import annotations

import json
import logging

import pytest

from tests.factories import run_async
from tests.voting.sms.fake_endpoint import FakeEndpoint, Reply, acs3_signature_valid
from tests.voting.sms.support import send_watching_loop
from vote_api.voting.sms import SmsNumberInvalid, SmsQuotaExceeded, SmsUnavailable
from vote_api.voting.sms.aliyun import AliyunGateway

KEY_ID, SECRET = "LTAI-test-key", "test-secret"
PHONE, CODE = "13912345678", "482916"


def gateway(endpoint: FakeEndpoint, timeout: float = 3.0) -> AliyunGateway:
    return AliyunGateway(KEY_ID, SECRET, "深圳市市长质量奖", "SMS_123456789", endpoint.url, timeout)


def ok() -> Reply:
    return Reply(body={"Code": "OK", "Message": "OK", "BizId": "9^0", "RequestId": "R"})


def test_sends_the_code_in_the_template_parameter_signed(endpoint: FakeEndpoint) -> None:
    endpoint.reply = ok()
    run_async(gateway(endpoint).send_code(PHONE, CODE))
    [request] = endpoint.received
    assert request.headers["x-acs-action"] == "SendSms"
    assert request.headers["x-acs-version"] == "2017-05-25"
    assert request.query["PhoneNumbers"] == PHONE
    assert request.query["SignName"] == "深圳市市长质量奖"
    assert request.query["TemplateCode"] == "SMS_123456789"
    assert json.loads(request.query["TemplateParam"]) == {"code": CODE}
    assert acs3_signature_valid(request, KEY_ID, SECRET)
    assert not acs3_signature_valid(request, KEY_ID, "another-secret")


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (200, "isv.MOBILE_NUMBER_ILLEGAL", SmsNumberInvalid),
        (200, "isv.BUSINESS_LIMIT_CONTROL", SmsQuotaExceeded),
        (200, "isv.DAY_LIMIT_CONTROL", SmsQuotaExceeded),
        (200, "isv.AMOUNT_NOT_ENOUGH", SmsUnavailable),
        (200, "isp.SYSTEM_ERROR", SmsUnavailable),
        (400, "isv.MOBILE_NUMBER_ILLEGAL", SmsNumberInvalid),
        (400, "Throttling.User", SmsUnavailable),
        (404, "InvalidAccessKeyId.NotFound", SmsUnavailable),
        (500, "InternalError", SmsUnavailable),
        (503, "ServiceUnavailable", SmsUnavailable),
    ],
)
def test_gateway_errors_map_to_the_three_errors(
    endpoint: FakeEndpoint,
    status: int,
    code: str,
    error: type[Exception],
    caplog: pytest.LogCaptureFixture,
) -> None:
    endpoint.reply = Reply(status, {"Code": code, "Message": "x", "RequestId": "R"})
    with caplog.at_level(logging.DEBUG), pytest.raises(error) as raised:
        run_async(gateway(endpoint).send_code(PHONE, CODE))
    assert type(raised.value) is error
    assert code in caplog.text  # the gateway's code is logged for the operator...
    assert PHONE not in caplog.text and CODE not in caplog.text  # ...the number and code never


def test_a_slow_gateway_times_out_without_blocking_the_loop(endpoint: FakeEndpoint) -> None:
    endpoint.reply = Reply(body={"Code": "OK"}, delay=2.0)
    error, ticks = run_async(send_watching_loop(gateway(endpoint, timeout=0.4), PHONE, CODE))
    assert isinstance(error, SmsUnavailable)
    assert ticks >= 2  # the event loop kept running while the SDK waited


def test_a_gateway_that_is_down_is_unavailable(endpoint: FakeEndpoint) -> None:
    url = endpoint.url
    endpoint.stop()
    down = AliyunGateway(KEY_ID, SECRET, "签名", "SMS_1", url, timeout=2.0)
    with pytest.raises(SmsUnavailable):
        run_async(down.send_code(PHONE, CODE))


def test_a_reply_that_is_not_json_is_unavailable(endpoint: FakeEndpoint) -> None:
    endpoint.reply = Reply(200, "not the gateway")
    with pytest.raises(SmsUnavailable):
        run_async(gateway(endpoint).send_code(PHONE, CODE))
