"""The hostile inputs found by hand: numbers past the database's range, unreadable JSON."""

from __future__ import annotations

import pytest

from tests.factories import Env

BALLOT_VOTES = "/api/ballots/2026-culture/votes"


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/api/admin/audit-log?before=2147483648"),
        ("GET", "/api/admin/objections?offset=9223372036854775808"),
        ("GET", "/api/admin/objections/export.csv?offset=9223372036854775808"),
        ("POST", "/api/admin/votes/2147483648/invalidate"),
        ("POST", "/api/admin/votes/99999999999999999999999/invalidate"),
        ("GET", "/api/admin/objections/26-AAAAAA/files/2147483648"),
    ],
)
def test_hostile_integer_past_database_range_is_a_chinese_422(
    env: Env, method: str, url: str
) -> None:
    headers = {"Authorization": f"Bearer {env.admin_token()}"}
    response = env.client.request(method, url, headers=headers, json={"reason": "重复投票的选票"})
    assert response.status_code == 422, response.text
    body = response.json()
    assert set(body) == {"code", "message"}
    assert "超出允许的范围" in body["message"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'{"captcha_id": ', "invalid_request"),
        (b"[" * 10_000 + b"]" * 10_000, "body_unreadable"),
        (b'{"captcha_id": "\xff\xfe", "captcha_answer": "A", "candidates": []}', "body_unreadable"),
    ],
    ids=["malformed", "nested-10000-deep", "invalid-utf8"],
)
def test_hostile_json_gets_a_chinese_refusal(env: Env, body: bytes, code: str) -> None:
    response = env.client.post(
        BALLOT_VOTES, content=body, headers={"Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500, response.text
    answer = response.json()
    assert set(answer) == {"code", "message"}
    assert answer["code"] == code
    assert _chinese(answer["message"]), answer
    assert "JSON" in answer["message"]
