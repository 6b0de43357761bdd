"""Rate limits per client address: 429 with Retry-After, X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from tests.conftest import free_port
from tests.factories import CULTURE, Apps, Env, per_minute
from vote_api.core.client import client_address
from vote_api.core.limits import AUDIO_CAPTCHA_LIMIT, CAPTCHA_LIMIT, RECEIPT_LIMIT, VOTE_LIMIT

TRUSTED = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128")]


def fake_request(peer: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
    return Request({"type": "http", "headers": headers, "client": (peer, 50000)})


def test_limits_forged_forwarded_for_from_an_untrusted_peer_ignored() -> None:
    request = fake_request("203.0.113.7", "1.2.3.4")
    assert client_address(request, TRUSTED) == "203.0.113.7"
    assert client_address(request, []) == "203.0.113.7"


def test_limits_forwarded_for_honoured_from_a_trusted_proxy() -> None:
    assert client_address(fake_request("10.1.2.3", "198.51.100.20"), TRUSTED) == "198.51.100.20"
    assert client_address(fake_request("::1", "2001:db8::5"), TRUSTED) == "2001:db8::5"


def test_limits_forwarded_chain_takes_the_first_untrusted_hop_from_the_right() -> None:
    # A client forging a first hop, then a real client address, then our own proxies.
    request = fake_request("10.0.0.1", "6.6.6.6, 198.51.100.20, 10.0.0.9")
    assert client_address(request, TRUSTED) == "198.51.100.20"


def test_limits_garbage_forwarded_for_falls_back_to_the_peer() -> None:
    assert client_address(fake_request("10.0.0.1", "not-an-address"), TRUSTED) == "10.0.0.1"
    assert client_address(fake_request("10.0.0.1", ""), TRUSTED) == "10.0.0.1"


def test_limits_vote_429_with_retry_after_and_a_chinese_message(env: Env) -> None:
    allowed = per_minute(VOTE_LIMIT)
    url = f"/api/ballots/{CULTURE}/votes"
    body = {"captcha_id": "x", "captcha_answer": "x", "candidates": ["CU01"]}
    statuses = [env.client.post(url, json=body).status_code for _ in range(allowed)]
    assert 429 not in statuses
    refused = env.client.post(url, json=body)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    retry = int(refused.headers["retry-after"])
    assert 0 < retry <= 60
    assert refused.json()["message"] == f"请求过于频繁，请在 {retry} 秒后重试"


def test_limits_captcha_issue_limited(env: Env) -> None:
    allowed = per_minute(CAPTCHA_LIMIT)
    body = {"purpose": "vote", "target": "no-such-ballot"}  # refused cheaply, still counted
    for _ in range(allowed):
        assert env.client.post("/api/captchas", json=body).status_code == 404
    assert env.client.post("/api/captchas", json=body).status_code == 429


def test_limits_receipt_check_limited(env: Env) -> None:
    for _ in range(per_minute(RECEIPT_LIMIT)):
        assert env.client.get("/api/receipts/ACDE-FHJK-MNPR-TUVW").status_code == 404
    refused = env.client.get("/api/receipts/ACDE-FHJK-MNPR-TUVW")
    assert refused.status_code == 429 and "retry-after" in refused.headers


def test_limits_switched_off_by_the_setting(make_env: Apps) -> None:
    env = make_env(ratelimit_enabled=False)
    for _ in range(per_minute(RECEIPT_LIMIT) + 5):
        assert env.client.get("/api/receipts/ACDE-FHJK-MNPR-TUVW").status_code == 404


def hammer(url: str, count: int, headers: dict[str, str]) -> list[int]:
    with httpx.Client(base_url=url) as client:
        return [
            client.get("/api/receipts/ACDE-FHJK-MNPR-TUVW", headers=headers).status_code
            for _ in range(count)
        ]


def test_limits_over_http_forged_header_from_untrusted_peer_shares_one_limit(
    make_env: Apps, live_server: Any
) -> None:
    env = make_env()  # 127.0.0.1 is not a trusted proxy
    server = live_server(env.app)  # uvicorn's own X-Forwarded-For handling is off
    allowed = per_minute(RECEIPT_LIMIT)
    first = hammer(server.url, allowed, {"X-Forwarded-For": "198.51.100.1"})
    assert 429 not in first
    # A new forged address does not buy a new allowance: the peer 127.0.0.1 is limited.
    assert hammer(server.url, 1, {"X-Forwarded-For": "198.51.100.2"}) == [429]


def test_limits_over_http_trusted_proxy_limits_each_forwarded_client(
    make_env: Apps, live_server: Any
) -> None:
    env = make_env(trusted_proxies="127.0.0.1")
    server = live_server(env.app)  # uvicorn's own X-Forwarded-For handling is off
    allowed = per_minute(RECEIPT_LIMIT)
    assert 429 not in hammer(server.url, allowed, {"X-Forwarded-For": "198.51.100.1"})
    assert hammer(server.url, 1, {"X-Forwarded-For": "198.51.100.1"}) == [429]
    assert hammer(server.url, 1, {"X-Forwarded-For": "198.51.100.2"}) == [404]


def test_limits_redis_down_falls_back_to_memory_never_a_500(
    make_env: Apps, caplog: pytest.LogCaptureFixture
) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    env = make_env(ratelimit_storage_uri=dead)
    with caplog.at_level(logging.WARNING):
        accepted = env.vote(CULTURE)
        assert accepted.status_code == 201, accepted.text
        statuses = [
            env.client.get("/api/receipts/ACDE-FHJK-MNPR-TUVW").status_code
            for _ in range(per_minute(RECEIPT_LIMIT) + 1)
        ]
    assert 500 not in statuses
    assert statuses[-1] == 429  # the in-process fallback still limits
    unreachable = [r for r in caplog.records if "rate-limit storage unreachable" in r.getMessage()]
    assert (
        len(unreachable) == 1 and unreachable[0].levelno == logging.WARNING
    )  # once, not per request
    health = env.client.get("/api/health").json()
    assert health == {"status": "degraded", "database": "ok", "rate_limit_storage": "unreachable"}


def test_limits_audio_captchas_have_their_own_lower_limit(env: Env) -> None:
    audio = [
        env.client.post(
            "/api/captchas", json={"purpose": "vote", "target": CULTURE, "kind": "audio"}
        ).status_code
        for _ in range(per_minute(AUDIO_CAPTCHA_LIMIT) + 1)
    ]
    assert audio[:-1] == [200] * per_minute(AUDIO_CAPTCHA_LIMIT) and audio[-1] == 429
    image = env.client.post("/api/captchas", json={"purpose": "vote", "target": CULTURE})
    assert image.status_code == 200  # images are still served to the same address
