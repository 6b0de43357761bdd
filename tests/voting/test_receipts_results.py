"""Receipts anyone can check, and results published with the receipt digests behind them."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.factories import CULTURE, ECOLOGY, NOW, SOCIAL, Apps, Clock, Env, ballot_variant


def closing(env: Env, ballot: str) -> datetime:
    return datetime.fromisoformat(env.ballot(ballot)["closes"])


def test_receipt_check_says_counted_without_the_choice_while_open(env: Env) -> None:
    receipt = env.vote(CULTURE, ["CU03"]).json()["receipt"]
    response = env.client.get(f"/api/receipts/{receipt}")
    assert response.status_code == 200
    body = response.json()
    assert body["counted"] is True and body["ballot_id"] == CULTURE
    assert body["candidates"] is None  # the choice stays hidden while the ballot is open
    assert "已记录并计入" in body["message"]
    assert body["receipt_digest"] == hashlib.sha256(receipt.encode()).hexdigest()


def test_receipt_check_forgives_case_spaces_and_dashes(env: Env) -> None:
    receipt = env.vote(CULTURE).json()["receipt"]
    typed = " " + receipt.replace("-", " ").lower() + " "
    assert env.client.get(f"/api/receipts/{typed}").status_code == 200
    assert env.client.get(f"/api/receipts/{receipt.replace('-', '')}").status_code == 200


def test_receipt_check_by_post_answers_the_same_and_refuses_bad_bodies(env: Env) -> None:
    receipt = env.vote(CULTURE, ["CU03"]).json()["receipt"]
    posted = env.client.post("/api/receipts", json={"code": receipt.lower()})
    assert posted.status_code == 200
    assert posted.json() == env.client.get(f"/api/receipts/{receipt}").json()
    unknown = env.client.post("/api/receipts", json={"code": "ACDE-FHJK-MNPR-TUVW"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "receipt_not_found"
    for body in ({}, {"code": "x" * 65}, {"code": receipt, "extra": 1}, {"code": 7}):
        refused = env.client.post("/api/receipts", json=body)
        assert refused.status_code in (400, 422), body
        assert receipt not in refused.text


def test_receipt_check_shows_the_choice_after_close(make_env: Apps) -> None:
    clock = Clock(NOW)
    env = make_env(clock=clock)
    receipt = env.vote(CULTURE, ["CU02"]).json()["receipt"]
    clock.moment = closing(env, CULTURE)
    body = env.client.get(f"/api/receipts/{receipt}").json()
    assert [c["id"] for c in body["candidates"]] == ["CU02"]


def test_receipt_unknown_or_malformed_is_404_in_chinese(env: Env) -> None:
    for code in ("ACDE-FHJK-MNPR-TUVW", "not-a-receipt", "0000-0000-0000-0000"):
        response = env.client.get(f"/api/receipts/{code}")
        assert response.status_code == 404
        assert response.json()["code"] == "receipt_not_found"
        assert "回执码" in response.json()["message"]


def test_results_hidden_while_open(env: Env) -> None:
    env.vote(CULTURE)
    response = env.client.get(f"/api/ballots/{CULTURE}/results")
    assert response.status_code == 403
    assert response.json()["code"] == "results_hidden"
    assert "截止" in response.json()["message"]


def test_results_after_close_count_votes_and_list_their_receipt_digests(
    make_env: Apps,
) -> None:
    clock = Clock(NOW)
    env = make_env(clock=clock, ratelimit_enabled=False)
    receipts: dict[str, list[str]] = {"SO01": [], "SO02": [], "SO03": []}
    for choices in (["SO01"], ["SO01", "SO02"], ["SO02"], ["SO01", "SO03"]):
        env.new_visitor()
        receipt = env.vote(SOCIAL, choices).json()["receipt"]
        for candidate in choices:
            receipts[candidate].append(receipt)
    clock.moment = closing(env, SOCIAL)
    body = env.client.get(f"/api/ballots/{SOCIAL}/results").json()
    assert body["final"] is True and body["counted_votes"] == 4
    counts = {c["id"]: c["count"] for c in body["candidates"]}
    assert counts == {"SO01": 3, "SO02": 2, "SO03": 1}
    for candidate in body["candidates"]:
        expected = sorted(hashlib.sha256(r.encode()).hexdigest() for r in receipts[candidate["id"]])
        assert candidate["receipt_digests"] == expected
        assert candidate["count"] == len(candidate["receipt_digests"])  # anyone can recount
    assert sum(c["share"] for c in body["candidates"]) == pytest.approx(1.0, abs=1e-3)
    assert "SHA-256" in body["how_to_verify"]


def test_results_of_a_closed_ballot_without_votes(env: Env) -> None:
    body = env.client.get(f"/api/ballots/{ECOLOGY}/results").json()
    assert body["counted_votes"] == 0
    assert [c["count"] for c in body["candidates"]] == [0, 0, 0]


def test_results_exclude_invalidated_votes_and_list_them_apart(make_env: Apps) -> None:
    clock = Clock(NOW)
    env = make_env(clock=clock)
    kept = env.vote(CULTURE, ["CU01"]).json()["receipt_digest"]
    env.new_visitor()
    dropped = env.vote(CULTURE, ["CU01"]).json()["receipt_digest"]
    token = env.admin_token()
    vote_id = 2
    response = env.client.post(
        f"/api/admin/votes/{vote_id}/invalidate",
        json={"reason": "同一设备批量投票"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200 and response.json()["receipt_digest"] == dropped
    clock.moment = closing(env, CULTURE)
    body = env.client.get(f"/api/ballots/{CULTURE}/results").json()
    first = next(c for c in body["candidates"] if c["id"] == "CU01")
    assert first["count"] == 1 and first["receipt_digests"] == [kept]
    assert body["invalidated_receipt_digests"] == [dropped]


@pytest.fixture
def open_counts_demo(tmp_path: Path, demo_dir: Path) -> Path:
    return ballot_variant(demo_dir, tmp_path / "open-counts", CULTURE, show_counts_while_open=True)


def test_results_shown_while_open_when_the_ballot_says_so(
    make_env: Apps, open_counts_demo: Path
) -> None:
    env = make_env(demo_dir=open_counts_demo)
    receipt = env.vote(CULTURE, ["CU03"]).json()["receipt"]
    response = env.client.get(f"/api/ballots/{CULTURE}/results")
    assert response.status_code == 200
    body = response.json()
    assert body["final"] is False
    assert {c["id"]: c["count"] for c in body["candidates"]}["CU03"] == 1
    assert env.ballot(CULTURE)["results_public"] is True
    assert env.client.get(f"/api/receipts/{receipt}").json()["candidates"][0]["id"] == "CU03"
    assert env.client.get(f"/api/ballots/{SOCIAL}/results").status_code == 403


def test_results_unknown_ballot_is_404(env: Env) -> None:
    assert env.client.get("/api/ballots/none/results").status_code == 404


def test_results_day_ballot_counts_each_day_vote(make_env: Apps) -> None:
    clock = Clock(NOW)
    env = make_env(clock=clock)
    for day in range(3):
        clock.moment = NOW + timedelta(days=day)
        assert env.vote(CULTURE, ["CU02"]).status_code == 201
    clock.moment = closing(env, CULTURE)
    body = env.client.get(f"/api/ballots/{CULTURE}/results").json()
    assert {c["id"]: c["count"] for c in body["candidates"]}["CU02"] == 3
