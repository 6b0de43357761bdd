"""The secretariat's endpoints: bearer tokens on every route, tally, CSV, invalidation, audit."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from tests.factories import CULTURE, ROOT, SOCIAL, Env
from vote_api.core.auth import revoke_token
from vote_api.core.state import core_state


def admin_routes(env: Env) -> list[tuple[str, str]]:
    """Every (method, path) under /api/admin, from the OpenAPI schema."""
    schema = env.app.openapi()
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/admin")
        for method in operations
    ]


def concrete(path: str) -> str:
    """A path with each {parameter} filled in (valid-looking, so only the token decides)."""
    return re.sub(r"\{[^}]+\}", "1", path)


def call(env: Env, method: str, path: str, headers: dict[str, str]) -> Any:
    return env.client.request(method, concrete(path), headers=headers, json={"reason": "理由"})


def test_admin_routes_are_enumerated_from_the_schema(env: Env) -> None:
    routes = admin_routes(env)
    mine = {
        ("GET", "/api/admin/ballots/{ballot_id}/tally"),
        ("GET", "/api/admin/ballots/{ballot_id}/votes.csv"),
        ("POST", "/api/admin/votes/{vote_id}/invalidate"),
        ("GET", "/api/admin/audit-log"),
    }
    assert mine <= set(routes)


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "admin_token_missing"),
        ({"Authorization": "Bearer szmqa_not-a-real-token"}, "admin_token_invalid"),
        ({"Authorization": "Basic c2VjcmV0YXJpYXQ6cGFzcw=="}, "admin_token_missing"),
        ({"Authorization": "Bearer"}, "admin_token_missing"),
    ],
)
def test_admin_every_route_refuses_a_missing_or_wrong_token(
    env: Env, headers: dict[str, str], code: str
) -> None:
    routes = admin_routes(env)
    assert len(routes) >= 4
    for method, path in routes:
        response = call(env, method, path, headers)
        assert response.status_code == 401, (method, path, response.text)
        assert response.json()["code"] == code, (method, path)
        assert response.headers["www-authenticate"] == "Bearer"


def test_admin_every_route_refuses_a_revoked_token(env: Env) -> None:
    token = env.admin_token("leaver")
    with core_state(env.app).db.session() as session:
        assert revoke_token(session, "leaver", env.clock())
    for method, path in admin_routes(env):
        response = call(env, method, path, {"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "admin_token_invalid"


def test_admin_tokens_are_stored_only_as_hashes(env: Env) -> None:
    token = env.admin_token()
    with core_state(env.app).db.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM admin_token")).all()
    assert token not in repr(rows)


def test_admin_tally_counts_live_votes_and_is_audited(env: Env) -> None:
    env.vote(SOCIAL, ["SO01", "SO02"])
    env.new_visitor()
    env.vote(SOCIAL, ["SO02"])
    auth = {"Authorization": f"Bearer {env.admin_token()}"}
    response = env.client.get(f"/api/admin/ballots/{SOCIAL}/tally", headers=auth)
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "open" and body["counted_votes"] == 2
    assert {c["id"]: c["count"] for c in body["candidates"]} == {"SO01": 1, "SO02": 2, "SO03": 0}
    assert body["votes_per_period"] == {"window": 2}
    log = env.client.get("/api/admin/audit-log", headers=auth).json()
    assert log[0]["action"] == "tally.view" and log[0]["actor"] == "secretariat"


def test_admin_tally_of_unknown_ballot_is_404(env: Env) -> None:
    auth = {"Authorization": f"Bearer {env.admin_token()}"}
    response = env.client.get("/api/admin/ballots/none/tally", headers=auth)
    assert response.status_code == 404 and response.json()["code"] == "ballot_not_found"


def test_admin_csv_export_has_no_personal_data(env: Env) -> None:
    receipt = env.vote(CULTURE, ["CU02"]).json()["receipt_digest"]
    token_cookie = env.client.cookies.get("szmqa_voter")
    auth = {"Authorization": f"Bearer {env.admin_token()}"}
    response = env.client.get(f"/api/admin/ballots/{CULTURE}/votes.csv", headers=auth)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    text_body = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text_body)))
    assert list(rows[0]) == [
        "vote_id",
        "ballot_id",
        "period",
        "candidates",
        "voted_at",
        "receipt_digest",
        "invalidated",
        "invalidated_at",
        "invalidated_reason",
    ]
    assert rows[0]["receipt_digest"] == receipt and rows[0]["candidates"] == "CU02"
    assert rows[0]["invalidated"] == "no"
    with core_state(env.app).db.engine.connect() as connection:
        voter_key, address_key = connection.execute(
            text("SELECT voter_key, address_key FROM vote")
        ).one()
    for secret in (voter_key, address_key, token_cookie.split(".")[0], "testclient"):
        assert secret not in text_body
    log = env.client.get("/api/admin/audit-log", headers=auth).json()
    assert log[0]["action"] == "votes.export" and log[0]["detail"] == {"rows": 1}


def test_admin_invalidate_records_the_reason_in_the_same_transaction(env: Env) -> None:
    receipt = env.vote(CULTURE).json()["receipt"]
    auth = {"Authorization": f"Bearer {env.admin_token()}"}
    response = env.client.post(
        "/api/admin/votes/1/invalidate",
        json={"reason": "  同一地址短时间内大量投票  "},
        headers=auth,
    )
    assert response.status_code == 200
    assert response.json()["reason"] == "同一地址短时间内大量投票"
    entry = env.client.get("/api/admin/audit-log", headers=auth).json()[0]
    assert entry["action"] == "vote.invalidate" and entry["target"] == "vote:1"
    assert entry["detail"]["reason"] == "同一地址短时间内大量投票"
    checked = env.client.get(f"/api/receipts/{receipt}").json()
    assert checked["counted"] is False
    assert "同一地址短时间内大量投票" in checked["message"]
    csv_text = env.client.get(f"/api/admin/ballots/{CULTURE}/votes.csv", headers=auth).text
    assert ",yes," in csv_text and "同一地址短时间内大量投票" in csv_text


def test_admin_invalidate_twice_or_unknown_vote_refused(env: Env) -> None:
    env.vote(CULTURE)
    auth = {"Authorization": f"Bearer {env.admin_token()}"}
    url = "/api/admin/votes/{}/invalidate"
    assert (
        env.client.post(url.format(1), json={"reason": "理由一"}, headers=auth).status_code == 200
    )
    again = env.client.post(url.format(1), json={"reason": "理由二"}, headers=auth)
    assert again.status_code == 409 and again.json()["code"] == "vote_already_invalidated"
    unknown = env.client.post(url.format(99), json={"reason": "理由"}, headers=auth)
    assert unknown.status_code == 404 and unknown.json()["code"] == "vote_not_found"
    actions = [e["action"] for e in env.client.get("/api/admin/audit-log", headers=auth).json()]
    assert actions.count("vote.invalidate") == 1


def test_admin_invalidate_needs_a_reason(env: Env) -> None:
    env.vote(CULTURE)
    auth = {"Authorization": f"Bearer {env.admin_token()}"}
    for body in ({}, {"reason": ""}, {"reason": "x"}, {"reason": "理由", "extra": 1}):
        response = env.client.post("/api/admin/votes/1/invalidate", json=body, headers=auth)
        assert response.status_code == 422, body


def test_admin_audit_log_is_append_only_in_the_database(env: Env) -> None:
    env.vote(CULTURE)
    auth = {"Authorization": f"Bearer {env.admin_token()}"}
    env.client.post("/api/admin/votes/1/invalidate", json={"reason": "理由"}, headers=auth)
    with core_state(env.app).db.engine.connect() as connection:
        with pytest.raises(DatabaseError):
            connection.execute(text("UPDATE audit_log SET actor = 'someone'"))
        connection.rollback()
        with pytest.raises(DatabaseError):
            connection.execute(text("DELETE FROM audit_log"))


def test_admin_audit_log_pages_newest_first(env: Env) -> None:
    auth = {"Authorization": f"Bearer {env.admin_token()}"}
    for _ in range(3):
        env.client.get(f"/api/admin/ballots/{CULTURE}/tally", headers=auth)
    first = env.client.get("/api/admin/audit-log?limit=2", headers=auth).json()
    assert [e["id"] for e in first] == [3, 2]
    rest = env.client.get("/api/admin/audit-log?before=2", headers=auth).json()
    assert [e["id"] for e in rest] == [1]


def run_cli(
    database: Path, *args: str, command: str = "admin-token"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "szmqa", command, *args],
        cwd=ROOT,
        env={"SZMQA_DATABASE_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_admin_token_cli_create_list_revoke(tmp_path: Path, make_env: Any) -> None:
    database = tmp_path / "cli.db"
    unnamed = run_cli(database, "create", "张三")
    assert unnamed.returncode == 1 and "szmqa staff add 张三" in unnamed.stdout
    assert run_cli(database, "add", "张三", "--role", "admin", command="staff").returncode == 0
    created = run_cli(database, "create", "张三")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("szmqa_") and len(token) > 40
    env = make_env(database_url=f"sqlite:///{database}")
    auth = {"Authorization": f"Bearer {token}"}
    assert env.client.get("/api/admin/audit-log", headers=auth).status_code == 200
    listed = run_cli(database, "list")
    assert "张三" in listed.stdout and "有效" in listed.stdout and token not in listed.stdout
    assert run_cli(database, "create", "张三").returncode == 1  # the name is taken
    revoked = run_cli(database, "revoke", "张三")
    assert revoked.returncode == 0 and "已撤销" in revoked.stdout
    assert env.client.get("/api/admin/audit-log", headers=auth).status_code == 401
    assert "已于" in run_cli(database, "list").stdout
    assert run_cli(database, "revoke", "张三").returncode == 1
    # Disabling the person revokes their token too.
    assert run_cli(database, "add", "李四", "--role", "observer", command="staff").returncode == 0
    second = run_cli(database, "create", "李四").stdout.strip().splitlines()[-1]
    bearer = {"Authorization": f"Bearer {second}"}
    assert env.client.get("/api/admin/audit-log", headers=bearer).status_code == 200
    assert run_cli(database, "disable", "李四", command="staff").returncode == 0
    assert env.client.get("/api/admin/audit-log", headers=bearer).status_code == 401
