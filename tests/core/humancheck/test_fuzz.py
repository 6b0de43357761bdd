"""Schemathesis over every operation with the vendors' checks on (Tencent for votes and SMS
codes, Alibaba for objections, both at local fakes): no 5xx, answers as documented."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.humancheck.vendors import (
    aliyun_answer,
    aliyun_settings,
    tencent_answer,
    tencent_settings,
)
from tests.defence.fuzzing import fuzz_app
from tests.defence.test_fuzz import fuzz_and_check
from tests.voting.sms.fake_endpoint import FakeEndpoint, Reply


@pytest.fixture
def aliyun_endpoint() -> Iterator[FakeEndpoint]:
    fake = FakeEndpoint().start()
    yield fake
    fake.stop()


def test_fuzz_with_vendor_checks_every_operation_answers_as_documented(
    tmp_path: Path, demo_dir: Path, endpoint: FakeEndpoint, aliyun_endpoint: FakeEndpoint
) -> None:
    endpoint.reply = Reply(body=tencent_answer(1))
    aliyun_endpoint.reply = Reply(body=aliyun_answer(True, "T001"))
    settings = {
        **tencent_settings(endpoint, "vote", "sms"),
        **aliyun_settings(aliyun_endpoint, "objection"),
    }
    fuzz_and_check(*fuzz_app(tmp_path, demo_dir, **settings))
    assert endpoint.received  # the fuzzer's votes reached the vendor's check
