"""Tencent Cloud Captcha guarding votes: the real SDK against a local fake that checks signatures."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from sqlalchemy import text

from tests.core.humancheck.vendors import (
    TENCENT_APP_ID,
    TENCENT_APP_KEY,
    TENCENT_ID,
    TENCENT_KEY,
    tencent_answer,
    tencent_error,
    tencent_settings,
)
from tests.factories import CULTURE, Apps, Env
from tests.voting.sms.fake_endpoint import FakeEndpoint, Reply, tc3_signature_valid
from vote_api.core.state import core_state

TICKET = "tr03lQk2d8vX1mXf0Yk-ticket-" + "x" * 400
RANDSTR = "@Kx9"


def _vote(env: Env, ticket: str = TICKET, randstr: str = RANDSTR) -> Any:
    body = {"captcha_id": ticket, "captcha_answer": randstr, "candidates": [env.candidate(CULTURE)]}
    return env.client.post(f"/api/ballots/{CULTURE}/votes", json=body)


def _votes(env: Env) -> int:
    with core_state(env.app).db.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM vote")).scalar_one())


def _env(make_env: Apps, endpoint: FakeEndpoint, **extra: Any) -> Env:
    return make_env(**tencent_settings(endpoint, "vote", **extra))


def test_tencent_a_passed_ticket_votes_once_and_the_request_is_signed(
    make_env: Apps, endpoint: FakeEndpoint, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    env = _env(make_env, endpoint, database_url=database_url)
    endpoint.reply = Reply(body=tencent_answer(1))
    accepted = _vote(env)
    assert accepted.status_code == 201, accepted.text
    [asked] = endpoint.received
    assert tc3_signature_valid(asked, TENCENT_ID, TENCENT_KEY)
    assert not tc3_signature_valid(asked, TENCENT_ID, "another-key")
    assert asked.headers["x-tc-action"] == "DescribeCaptchaResult"
    assert asked.headers["x-tc-version"] == "2019-07-22"
    assert asked.json() == {
        "CaptchaType": 9,
        "Ticket": TICKET,
        "Randstr": RANDSTR,
        "UserIp": "testclient",
        "CaptchaAppId": int(TENCENT_APP_ID),
        "AppSecretKey": TENCENT_APP_KEY,
    }
    env.new_visitor()  # another voter with the same ticket: refused before asking again
    replayed = _vote(env)
    assert replayed.status_code == 400 and replayed.json()["code"] == "captcha_invalid"
    assert len(endpoint.received) == 1 and _votes(env) == 1
    assert TICKET[:20] not in caplog.text and RANDSTR not in caplog.text


@pytest.mark.parametrize(
    ("code", "status", "refusal"),
    [
        (9, 400, "captcha_wrong"),  # reused at the vendor
        (7, 400, "captcha_wrong"),  # the random string does not match
        (15, 400, "captcha_wrong"),  # forged ticket
        (21, 400, "captcha_wrong"),  # the vendor's risk control
        (8, 400, "captcha_expired"),
        (16, 503, "human_check_unavailable"),  # wrong CaptchaAppId: the secretariat's set-up
        (100, 503, "human_check_unavailable"),
        (42, 503, "human_check_unavailable"),  # a code this service does not know
    ],
)
def test_tencent_a_refused_ticket_stores_nothing(
    make_env: Apps, endpoint: FakeEndpoint, code: int, status: int, refusal: str
) -> None:
    env = _env(make_env, endpoint)
    endpoint.reply = Reply(body=tencent_answer(code))
    refused = _vote(env)
    assert (refused.status_code, refused.json()["code"]) == (status, refusal)
    assert "人机验证" in refused.json()["message"]
    assert _votes(env) == 0


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body=tencent_error("AuthFailure.SignatureFailure")),
        Reply(body=tencent_error("InternalError")),
        Reply(status=502, body={"oops": True}),
        Reply(body={"Response": {"RequestId": "r"}}),  # no CaptchaCode at all
    ],
)
def test_tencent_vendor_errors_fail_closed_with_a_503(
    make_env: Apps, endpoint: FakeEndpoint, reply: Reply
) -> None:
    env = _env(make_env, endpoint)
    endpoint.reply = reply
    refused = _vote(env)
    assert refused.status_code == 503 and refused.json()["code"] == "human_check_unavailable"
    assert refused.headers["retry-after"] == "10"
    assert _votes(env) == 0


def test_tencent_a_slow_vendor_is_a_503_at_the_timeout(
    make_env: Apps, endpoint: FakeEndpoint
) -> None:
    env = _env(make_env, endpoint, human_check_timeout_seconds=1.0)
    endpoint.reply = Reply(body=tencent_answer(1), delay=3.0)
    started = time.monotonic()
    refused = _vote(env)
    assert time.monotonic() - started < 2.5
    assert refused.status_code == 503 and refused.json()["code"] == "human_check_unavailable"
    assert _votes(env) == 0
    # The ticket was presented once: trying it again, even once the vendor answers, is refused.
    endpoint.reply = Reply(body=tencent_answer(1))
    assert _vote(env).json()["code"] == "captcha_invalid"


def test_tencent_unreachable_vendor_is_a_503(make_env: Apps, endpoint: FakeEndpoint) -> None:
    env = _env(make_env, endpoint)
    endpoint.stop()
    refused = _vote(env)
    assert refused.status_code == 503 and _votes(env) == 0


def test_tencent_a_huge_or_malformed_ticket_is_refused_without_asking(
    make_env: Apps, endpoint: FakeEndpoint
) -> None:
    env = _env(make_env, endpoint)
    huge = _vote(env, ticket="t" * 5000)
    assert huge.status_code == 422
    body = json.dumps({"captcha_id": 7, "captcha_answer": RANDSTR, "candidates": ["CU01"]})
    odd = env.client.post(
        f"/api/ballots/{CULTURE}/votes", content=body, headers={"content-type": "application/json"}
    )
    assert odd.status_code == 422
    assert endpoint.received == []
