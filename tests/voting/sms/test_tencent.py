"""The Tencent Cloud gateway, driving the real SDK against a local fake endpoint."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.factories import run_async
from tests.voting.sms.fake_endpoint import FakeEndpoint, Reply, tc3_signature_valid
from tests.voting.sms.support import send_watching_loop
from vote_api.voting.sms import SmsNumberInvalid, SmsQuotaExceeded, SmsUnavailable
from vote_api.voting.sms.tencent import TencentGateway

SECRET_ID, SECRET_KEY = "AKID-test", "test-key"
PHONE, CODE = "15012345678", "730215"


def gateway(endpoint: FakeEndpoint, timeout: float = 3.0) -> TencentGateway:
    return TencentGateway(
        SECRET_ID, SECRET_KEY, "1400123456", "深圳市市长质量奖", "2345678", endpoint.url, timeout
    )


def status(code: str) -> dict[str, Any]:
    """A SendSms answer whose one send status has `code`."""
    return {
        "Response": {
            "SendStatusSet": [
                {
                    "SerialNo": "2640:1",
                    "PhoneNumber": f"+86{PHONE}",
                    "Fee": 1,
                    "SessionContext": "",
                    "Code": code,
                    "Message": "x",
                    "IsoCode": "CN",
                }
            ],
            "RequestId": "R",
        }
    }


def failure(code: str) -> dict[str, Any]:
    """A whole-request error answer."""
    return {"Response": {"Error": {"Code": code, "Message": "x"}, "RequestId": "R"}}


def test_sends_the_code_as_the_template_parameter_signed(endpoint: FakeEndpoint) -> None:
    endpoint.reply = Reply(body=status("Ok"))
    run_async(gateway(endpoint).send_code(PHONE, CODE))
    [request] = endpoint.received
    assert request.headers["x-tc-action"] == "SendSms"
    assert request.headers["x-tc-version"] == "2021-01-11"
    body = request.json()
    assert body["PhoneNumberSet"] == [f"+86{PHONE}"]
    assert body["TemplateParamSet"] == [CODE]
    assert body["TemplateId"] == "2345678"
    assert body["SmsSdkAppId"] == "1400123456"
    assert body["SignName"] == "深圳市市长质量奖"
    assert tc3_signature_valid(request, SECRET_ID, SECRET_KEY)
    assert not tc3_signature_valid(request, SECRET_ID, "another-key")


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(body=status("InvalidParameterValue.IncorrectPhoneNumber")), SmsNumberInvalid),
        (Reply(body=status("FailedOperation.PhoneNumberInBlacklist")), SmsNumberInvalid),
        (Reply(body=status("LimitExceeded.PhoneNumberDailyLimit")), SmsQuotaExceeded),
        (Reply(body=status("LimitExceeded.PhoneNumberThirtySecondLimit")), SmsQuotaExceeded),
        (Reply(body=status("LimitExceeded.PhoneNumberOneHourLimit")), SmsQuotaExceeded),
        (Reply(body=status("LimitExceeded.AppDailyLimit")), SmsUnavailable),
        (Reply(body=status("FailedOperation.InsufficientBalanceInSmsPackage")), SmsUnavailable),
        (Reply(body=failure("InvalidParameterValue.IncorrectPhoneNumber")), SmsNumberInvalid),
        (Reply(body=failure("LimitExceeded.PhoneNumberDailyLimit")), SmsQuotaExceeded),
        (Reply(body=failure("AuthFailure.SignatureFailure")), SmsUnavailable),
        (Reply(body=failure("InternalError.Timeout")), SmsUnavailable),
        (Reply(502, {"message": "bad gateway"}), SmsUnavailable),
        (Reply(200, "not the gateway"), SmsUnavailable),
    ],
)
def test_gateway_errors_map_to_the_three_errors(
    endpoint: FakeEndpoint,
    reply: Reply,
    error: type[Exception],
    caplog: pytest.LogCaptureFixture,
) -> None:
    endpoint.reply = reply
    with caplog.at_level(logging.DEBUG), pytest.raises(error) as raised:
        run_async(gateway(endpoint).send_code(PHONE, CODE))
    assert type(raised.value) is error
    assert "refused a send" in caplog.text
    assert PHONE not in caplog.text and CODE not in caplog.text


def test_a_slow_gateway_times_out_without_blocking_the_loop(endpoint: FakeEndpoint) -> None:
    endpoint.reply = Reply(body=status("Ok"), delay=2.0)
    error, ticks = run_async(send_watching_loop(gateway(endpoint, timeout=0.4), PHONE, CODE))
    assert isinstance(error, SmsUnavailable)
    assert ticks >= 2


def test_a_gateway_that_is_down_is_unavailable(endpoint: FakeEndpoint) -> None:
    url = endpoint.url
    endpoint.stop()
    down = TencentGateway(SECRET_ID, SECRET_KEY, "1400123456", "签名", "1", url, timeout=2.0)
    with pytest.raises(SmsUnavailable):
        run_async(down.send_code(PHONE, CODE))
