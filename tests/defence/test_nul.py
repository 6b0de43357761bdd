"""NUL characters, which PostgreSQL text cannot hold, get a Chinese 400 and never a 500.

On SQLite and on PostgreSQL: in the path, the query string, a JSON body (also split across
chunks) and a console form; binary uploads (multipart) are not scanned.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.factories import CULTURE, Apps, Env


@pytest.fixture
def env(make_env: Apps, database_url: str) -> Env:
    """The demo app on a fresh database of each kind."""
    return make_env(database_url=database_url)


def refused(response: object) -> bool:
    status = getattr(response, "status_code", 0)
    body = response.json()  # type: ignore[attr-defined]
    return status == 400 and body["code"] == "nul_character" and "空字符" in body["message"]


def test_nul_in_query_path_and_json_refused_before_the_database(env: Env) -> None:
    token = env.admin_token()
    admin = {"Authorization": f"Bearer {token}"}
    assert refused(env.client.get("/api/admin/objections?notice=%00x", headers=admin))
    assert refused(env.client.get("/api/receipts/AB%00CD"))
    body = b'{"captcha_id": "x\\u0000y", "captcha_answer": "ACDEF", "candidates": ["CU01"]}'
    response = env.client.post(
        f"/api/ballots/{CULTURE}/votes",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert refused(response)
    listed = env.client.get("/api/admin/objections?notice=ok", headers=admin)
    assert listed.status_code == 200  # the same query without a NUL is answered


def test_nul_split_across_body_chunks_refused(env: Env) -> None:
    parts = [b'{"captcha_id": "x\\u0', b'000y", "captcha_answer": "A", "candidates": ["CU01"]}']

    def chunks() -> Iterator[bytes]:
        yield from parts

    response = env.client.post(
        f"/api/ballots/{CULTURE}/votes",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert refused(response)
    assert env.vote(CULTURE).status_code == 201  # nothing was used up or half-written


def test_nul_in_a_console_form_refused(env: Env) -> None:
    response = env.client.post(
        "/admin/sign-in",
        content=b"name=a%00b&password=whatever&code=123456",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert refused(response)
