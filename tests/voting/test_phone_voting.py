"""Phone ballots: a number proven by SMS is the voter; cookies, repeats and floods do not help."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.factories import CULTURE, PHONE, Apps, Env, phone_content
from tests.voting.phone_flow import OTHER_PHONE, VIRTUAL_PHONE, ask_code, verify
from vote_api.core.parts import part
from vote_api.core.state import core_state
from vote_api.voting.proofs.phone.codes import review_block
from vote_api.voting.proofs.phone.method import PhoneProof
from vote_api.voting.sms.gateway import SmsQuotaExceeded, SmsUnavailable


def test_phone_ballot_refuses_a_vote_without_a_verified_number(phone_env: Env) -> None:
    refused = phone_env.vote(CULTURE)
    assert refused.status_code == 401
    assert (
        refused.json()["code"] == "phone_not_verified" and "短信验证码" in refused.json()["message"]
    )


def test_phone_flow_captcha_code_verify_vote_stores_only_hashes_and_prefixes(
    phone_env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    verified = verify(phone_env.client)
    assert verified.status_code == 200, verified.text
    assert verified.json()["phone_masked"] == "139****5678"
    accepted = phone_env.vote(CULTURE)
    assert accepted.status_code == 201, accepted.text
    with core_state(phone_env.app).db.engine.connect() as connection:
        row = connection.execute(
            text("SELECT voter_key, phone_segment, phone_block, device_key FROM vote")
        ).one()
        dump = "\n".join(connection.connection.driver_connection.iterdump())
    bucket = review_block(part(phone_env.app, PhoneProof).secret, PHONE)
    assert row.phone_segment == "139" and row.phone_block == bucket and row.device_key
    assert len(bucket) == 2 and "1234" not in (row.phone_block or "")  # no 4-digit block kept
    assert PHONE not in dump and "5678" not in row.voter_key
    assert PHONE not in caplog.text  # the console gateway logs the code, never the number


def test_phone_dropping_cookies_gives_one_vote_per_number(phone_env: Env) -> None:
    statuses = []
    for _ in range(3):
        phone_env.new_visitor()
        phone_env.client.cookies.clear()
        phone_env.clock.moment += timedelta(seconds=61)
        assert verify(phone_env.client).status_code == 200
        statuses.append(phone_env.vote(CULTURE).status_code)
    assert statuses == [201, 409, 409]
    phone_env.client.cookies.clear()
    phone_env.clock.moment += timedelta(seconds=61)
    assert verify(phone_env.client, OTHER_PHONE).status_code == 200
    assert phone_env.vote(CULTURE).status_code == 201  # another number is another voter


def test_phone_sms_bombing_one_number_stops_at_its_limits(
    make_env: Apps, demo_dir: Path, tmp_path: Path
) -> None:
    # Per-address limits off: what stops this is the number's own pacing and daily quota.
    phone_env = make_env(
        demo_dir=phone_content(demo_dir, tmp_path / "content"), ratelimit_enabled=False
    )
    first = ask_code(phone_env.client)
    assert first.status_code == 200
    again = ask_code(phone_env.client)
    assert again.status_code == 429 and again.json()["code"] == "sms_too_soon"
    assert int(again.headers["Retry-After"]) <= 61
    sent = 1
    for _ in range(10):
        phone_env.clock.moment += timedelta(seconds=61)
        response = ask_code(phone_env.client)
        if response.status_code != 200:
            assert response.json()["code"] == "sms_daily_limit"
            break
        sent += 1
    assert sent == 5
    assert ask_code(phone_env.client, OTHER_PHONE).status_code == 200  # only that number stops


def test_phone_wrong_codes_five_tries_then_a_new_code_is_needed(phone_env: Env) -> None:
    code = ask_code(phone_env.client).json()["console_code"]
    wrong = "000000" if code != "000000" else "111111"
    answers = [
        phone_env.client.post("/api/phone/verify", json={"phone": PHONE, "code": wrong})
        for _ in range(6)
    ]
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 400, 429]
    assert "还可尝试 4 次" in answers[0].json()["message"]
    late = phone_env.client.post("/api/phone/verify", json={"phone": PHONE, "code": code})
    assert late.status_code == 400 and late.json()["code"] == "sms_code_expired"


def test_phone_a_code_for_another_number_or_expired_does_not_verify(phone_env: Env) -> None:
    code = ask_code(phone_env.client).json()["console_code"]
    other = phone_env.client.post("/api/phone/verify", json={"phone": OTHER_PHONE, "code": code})
    assert other.status_code == 400
    phone_env.clock.moment += timedelta(minutes=5, seconds=1)
    expired = phone_env.client.post("/api/phone/verify", json={"phone": PHONE, "code": code})
    assert expired.status_code == 400 and expired.json()["code"] == "sms_code_expired"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1391234567", "phone_malformed"),
        ("abc", "phone_malformed"),
        (VIRTUAL_PHONE, "phone_segment_refused"),
    ],
)
def test_phone_malformed_and_refused_numbers_get_a_chinese_400(
    phone_env: Env, typed: str, code: str
) -> None:
    response = ask_code(phone_env.client, typed)
    assert response.status_code == 400 and response.json()["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])


class FailingGateway:
    """A gateway that fails as told, then works."""

    name = "failing"

    def __init__(self, error: Exception) -> None:
        self.error: Exception | None = error

    async def send_code(self, phone: str, code: str) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error


@pytest.mark.parametrize(
    ("error", "status"),
    [(SmsUnavailable("down"), 503), (SmsQuotaExceeded("isv.BUSINESS_LIMIT"), 429)],
)
def test_phone_gateway_errors_are_clear_and_not_counted(
    phone_env: Env, error: Exception, status: int
) -> None:
    part(phone_env.app, PhoneProof).sms = FailingGateway(error)  # type: ignore[assignment]
    failed = ask_code(phone_env.client)
    assert failed.status_code == status and "短信" in failed.json()["message"]
    with core_state(phone_env.app).db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM sms_code")).scalar_one() == 0
        # Nor in the SMS tallies: the day's ceiling, the block's cap, the watch.
        assert connection.execute(text("SELECT sum(sent) FROM sms_tally")).scalar_one() == 0
    retry: Any = ask_code(phone_env.client)  # no 60 s wait: the failed send was not counted
    assert retry.status_code == 200, retry.text


def test_phone_ballot_with_virtual_numbers_allowed_accepts_them(
    make_env: Apps, demo_dir: Path, tmp_path: Path
) -> None:
    env = make_env(demo_dir=phone_content(demo_dir, tmp_path / "c", refuse_virtual_numbers=False))
    assert verify(env.client, VIRTUAL_PHONE).status_code == 200
    assert env.vote(CULTURE).status_code == 201


def test_phone_one_address_asking_codes_for_many_numbers_is_rate_limited(phone_env: Env) -> None:
    statuses = [ask_code(phone_env.client, f"1391234{n:04d}").status_code for n in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
