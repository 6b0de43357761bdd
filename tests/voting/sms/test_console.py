"""The console gateway: nothing sent, said so in the log, the last code kept for the demo."""

from __future__ import annotations

import logging

import pytest

from tests.factories import run_async
from vote_api.voting.sms import SmsGateway
from vote_api.voting.sms.console import BANNER, ConsoleGateway

PHONE = "13712345678"


def test_development_logs_the_code_and_the_masked_number_under_the_banner(
    caplog: pytest.LogCaptureFixture,
) -> None:
    console = ConsoleGateway()
    assert isinstance(console, SmsGateway)
    with caplog.at_level(logging.INFO, logger="vote_api.sms"):
        run_async(console.send_code(PHONE, "123456"))
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert BANNER in record.getMessage() and "未发送短信" in record.getMessage()
    assert "137********" in record.getMessage() and "123456" in record.getMessage()
    assert PHONE not in record.getMessage()  # no full number in any log
    assert console.last_code(PHONE) == "123456"


def test_production_keeps_the_number_and_code_out_of_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    console = ConsoleGateway(production=True)
    with caplog.at_level(logging.DEBUG):
        run_async(console.send_code(PHONE, "654321"))
    assert BANNER in caplog.text
    assert "137********" in caplog.text
    assert PHONE not in caplog.text and "654321" not in caplog.text
    assert console.last_code(PHONE) == "654321"  # the demo page still shows it


def test_only_the_last_code_per_number_is_kept_and_the_store_is_bounded() -> None:
    console = ConsoleGateway(keep=3)

    async def send_all() -> None:
        await console.send_code(PHONE, "111111")
        await console.send_code(PHONE, "222222")
        for n in range(3):
            await console.send_code(f"1390000000{n}", f"00000{n}")

    run_async(send_all())
    assert console.last_code(PHONE) is None  # pushed out by three newer numbers
    assert console.last_code("13900000002") == "000002"
    assert console.last_code("13800000000") is None


def test_the_newest_code_replaces_the_older() -> None:
    console = ConsoleGateway()
    run_async(console.send_code(PHONE, "111111"))
    run_async(console.send_code(PHONE, "222222"))
    assert console.last_code(PHONE) == "222222"
