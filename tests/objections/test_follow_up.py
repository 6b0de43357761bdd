"""Following a case with its number and key; a wrong key looks exactly like a missing case."""

from __future__ import annotations

from tests.factories import Env


def _filed(env: Env) -> dict:
    response = env.file()
    assert response.status_code == 201, response.text
    return response.json()


def test_follow_up_with_the_right_key_in_a_header(env: Env) -> None:
    filed = _filed(env)
    response = env.client.get(
        f"/api/objections/{filed['case_number']}", headers={"X-Objection-Key": filed["key"]}
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["case_number"] == filed["case_number"]
    assert body["status"] == "received" and body["status_label"] == "已收到"
    assert body["entrant_id"] == "E03" and "演示" in body["entrant_name"]
    assert body["reply"] is None
    assert "id_number" not in body and "phone" not in body and "name" not in body


def test_follow_up_with_the_right_key_in_the_body(env: Env) -> None:
    filed = _filed(env)
    response = env.client.post(
        f"/api/objections/{filed['case_number']}", json={"key": filed["key"]}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "received"


def test_follow_up_accepts_the_number_and_key_as_typed(env: Env) -> None:
    filed = _filed(env)
    number = filed["case_number"].replace("-", "").lower()
    key = " ".join(filed["key"].lower().split("-"))
    response = env.client.get(f"/api/objections/{number}", headers={"X-Objection-Key": key})
    assert response.status_code == 200


def test_follow_up_wrong_key_looks_the_same_as_a_missing_case(env: Env) -> None:
    filed = _filed(env)
    wrong_key = env.client.get(
        f"/api/objections/{filed['case_number']}",
        headers={"X-Objection-Key": "AAAAA-AAAAA-AAAAA-AAAAA"},
    )
    missing = env.client.get("/api/objections/26-AAAAAA", headers={"X-Objection-Key": filed["key"]})
    assert wrong_key.status_code == missing.status_code == 404
    assert wrong_key.content == missing.content
    assert wrong_key.headers["content-type"] == missing.headers["content-type"]
    assert wrong_key.json()["code"] == "case_not_found"
    posted = env.client.post(f"/api/objections/{filed['case_number']}", json={"key": "WRONG"})
    assert posted.status_code == 404 and posted.content == missing.content


def test_follow_up_key_in_the_url_query_is_not_accepted(env: Env) -> None:
    filed = _filed(env)
    response = env.client.get(f"/api/objections/{filed['case_number']}?key={filed['key']}")
    assert response.status_code == 422
    assert response.json()["code"] == "key_missing"


def test_follow_up_shows_the_secretariats_reply(env: Env) -> None:
    filed = _filed(env)
    admin = env.admin()
    base = f"/api/admin/objections/{filed['case_number']}/transitions"
    env.client.post(base, json={"to": "under_review", "note": "已转核查组"}, headers=admin)
    env.client.post(
        base,
        json={"to": "upheld", "note": "查实", "reply": "经核查，异议成立，已取消该单位拟奖资格。"},
        headers=admin,
    )
    body = env.client.get(
        f"/api/objections/{filed['case_number']}", headers={"X-Objection-Key": filed["key"]}
    ).json()
    assert body["status"] == "upheld" and body["status_label"] == "异议成立"
    assert body["reply"] == "经核查，异议成立，已取消该单位拟奖资格。"
    assert body["replied_at"] is not None
    assert "查实" not in str(body)  # internal notes stay internal
