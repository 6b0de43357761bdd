"""The ballot log as voters and auditors meet it over HTTP: leaves, checkpoints, proofs.

Every accepted vote and every invalidation is a leaf, numbered without a gap in the vote's
own transaction; a refused vote leaves none. Receipts carry an inclusion proof once a signed
checkpoint covers them, and that proof verifies with nothing but the published key.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from tests.factories import CULTURE, ECOLOGY, NOW, SOCIAL, Apps, Clock, Env, run_async
from vote_api.core.checkpoint import verify_checkpoint
from vote_api.core.merkle import leaf_hash, verify_consistency, verify_inclusion
from vote_api.core.state import core_state
from vote_api.voting.recording import recorder_for

PERSONAL = ("voter", "phone", "device", "network", "address", "agent", "openid")


def rows(env: Env, sql: str, **params: Any) -> list[Any]:
    """Rows read straight from the app's database."""
    with core_state(env.app).db.engine.connect() as connection:
        return list(connection.execute(text(sql), params).all())


def leaves(env: Env, ballot: str) -> list[dict[str, Any]]:
    """The stored leaves of a ballot, parsed, checking each is canonical JSON."""
    found = rows(
        env,
        "SELECT leaf_index, data FROM ballot_log_leaf WHERE ballot_id = :b ORDER BY leaf_index",
        b=ballot,
    )
    parsed = []
    for index, data in found:
        value = json.loads(data)
        assert data == json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert value["index"] == index
        parsed.append(value)
    assert [value["index"] for value in parsed] == list(range(len(parsed)))
    return parsed


def verified_receipt(env: Env, receipt: str) -> dict[str, Any]:
    """Check a receipt's proof as a voter's browser would: leaf, path, signed checkpoint."""
    body = env.client.get(f"/api/receipts/{receipt}").json()
    log = body["log"]
    assert log is not None, body
    key = env.client.get("/api/ballot-log/key").json()["verifier_key"]
    checkpoint = verify_checkpoint(log["checkpoint"]["note"], key)
    assert checkpoint.origin.endswith(f"/ballots/{body['ballot_id']}")
    leaf = json.loads(log["leaf"])
    assert leaf["receipt"] == hashlib.sha256(receipt.encode()).hexdigest()
    proof = [base64.b64decode(item) for item in log["proof"]]
    verify_inclusion(
        log["leaf_index"], checkpoint.size, leaf_hash(log["leaf"].encode()), proof, checkpoint.root
    )
    return log


def test_ballot_log_a_vote_is_a_leaf_without_personal_data(
    make_env: Apps, database_url: str
) -> None:
    env = make_env(database_url=database_url)
    receipt = env.vote(CULTURE, ["CU02"]).json()["receipt"]
    [leaf] = leaves(env, CULTURE)
    assert leaf == {
        "ballot": CULTURE,
        "choices": ["CU02"],
        "index": 0,
        "kind": "vote",
        "receipt": hashlib.sha256(receipt.encode()).hexdigest(),
        "time": "2026-11-24T10:00+08:00",
    }
    assert not any(word in json.dumps(leaf) for word in PERSONAL)


def test_ballot_log_first_vote_is_signed_and_its_receipt_proof_verifies(
    make_env: Apps, database_url: str
) -> None:
    env = make_env(database_url=database_url)
    receipt = env.vote(CULTURE).json()["receipt"]
    log = verified_receipt(env, receipt)
    assert log["leaf_index"] == 0 and log["tree_size"] == 1
    listed = env.client.get(f"/api/ballots/{CULTURE}/checkpoints").json()
    assert [c["size"] for c in listed["checkpoints"]] == [1]
    assert listed["verifier_key"] == env.client.get("/api/ballot-log/key").json()["verifier_key"]


def test_ballot_log_checkpoints_every_interval_and_stay_consistent(make_env: Apps) -> None:
    clock = Clock(NOW)
    env = make_env(clock=clock, ratelimit_enabled=False)
    receipts = []
    for minute in (0, 3, 6, 11, 14, 25):
        clock.moment = NOW + timedelta(minutes=minute)
        env.new_visitor()
        receipts.append(env.vote(CULTURE).json()["receipt"])
    sizes = [
        c["size"]
        for c in env.client.get(f"/api/ballots/{CULTURE}/checkpoints").json()["checkpoints"]
    ]
    assert sizes == [1, 4, 6]  # at 10:00, then the first vote 10 minutes on, and again
    notes = env.client.get(f"/api/ballots/{CULTURE}/checkpoints").json()["checkpoints"]
    key = env.client.get("/api/ballot-log/key").json()["verifier_key"]
    heads = [verify_checkpoint(c["note"], key) for c in notes]
    for old, new in itertools.pairwise(heads):
        answer = env.client.get(
            f"/api/ballots/{CULTURE}/log/consistency",
            params={"first": old.size, "second": new.size},
        ).json()
        proof = [base64.b64decode(p) for p in answer["proof"]]
        verify_consistency(old.size, new.size, old.root, new.root, proof)
    assert verified_receipt(env, receipts[1])["tree_size"] == 6


def test_ballot_log_a_receipt_not_yet_covered_says_when(make_env: Apps) -> None:
    clock = Clock(NOW)
    env = make_env(clock=clock, ratelimit_enabled=False)
    env.vote(CULTURE)
    clock.moment = NOW + timedelta(minutes=2)
    env.new_visitor()
    receipt = env.vote(CULTURE).json()["receipt"]
    assert env.client.get(f"/api/receipts/{receipt}").json()["log"] is None
    digest = hashlib.sha256(receipt.encode()).hexdigest()
    pending = env.client.get(
        f"/api/ballots/{CULTURE}/log/inclusion", params={"receipt_digest": digest}
    )
    assert pending.status_code == 404 and pending.json()["code"] == "not_yet_checkpointed"
    assert "分钟" in pending.json()["message"]
    clock.moment = NOW + timedelta(minutes=10)
    assert verified_receipt(env, receipt)["tree_size"] == 2


def test_ballot_log_refused_votes_leave_no_leaf_and_no_gap(make_env: Apps) -> None:
    env = make_env(ratelimit_enabled=False)
    assert env.vote(CULTURE).status_code == 201
    assert env.vote(CULTURE).status_code == 409  # the same voter again
    assert env.vote(CULTURE, answer="WRONG").status_code == 400
    env.new_visitor()
    assert env.vote(CULTURE).status_code == 201
    assert [leaf["kind"] for leaf in leaves(env, CULTURE)] == ["vote", "vote"]
    assert rows(env, "SELECT size FROM ballot_log_size WHERE ballot_id = :b", b=CULTURE) == [(2,)]


def test_ballot_log_invalidation_is_a_leaf_naming_the_vote_leaf(
    make_env: Apps, database_url: str
) -> None:
    env = make_env(database_url=database_url)
    env.vote(CULTURE)
    env.new_visitor()
    env.vote(CULTURE)
    [(vote_id,)] = rows(
        env,
        "SELECT vote_id FROM ballot_log_leaf WHERE ballot_id = :b AND leaf_index = 1",
        b=CULTURE,
    )
    response = env.client.post(
        f"/api/admin/votes/{vote_id}/invalidate", json={"reason": "同一单位组织投票"},
        headers=env.admin(),
    )  # fmt: skip
    assert response.status_code == 200, response.text
    last = leaves(env, CULTURE)[-1]
    assert last["kind"] == "invalidation" and last["invalidates"] == [1]
    assert last["reason"] == "manual" and "同一单位" not in json.dumps(last, ensure_ascii=False)


def test_ballot_log_leaves_are_published_after_close_with_a_final_checkpoint(
    make_env: Apps,
) -> None:
    clock = Clock(NOW)
    env = make_env(clock=clock, ratelimit_enabled=False)
    for _ in range(3):
        env.new_visitor()
        env.vote(SOCIAL, ["SO01"])
    hidden = env.client.get(f"/api/ballots/{SOCIAL}/log/leaves")
    assert hidden.status_code == 403 and hidden.json()["code"] == "log_hidden"
    clock.moment = datetime.fromisoformat(env.ballot(SOCIAL)["closes"])
    body = env.client.get(f"/api/ballots/{SOCIAL}/log/leaves").json()
    assert body["size"] == 3 and len(body["leaves"]) == 3
    final = env.client.get(f"/api/ballots/{SOCIAL}/checkpoints").json()["checkpoints"][-1]
    assert final["size"] == 3  # signed at the close, though not ten minutes after the last
    page = env.client.get(f"/api/ballots/{SOCIAL}/log/leaves", params={"start": 1, "limit": 1})
    assert page.json()["leaves"] == body["leaves"][1:2]


def test_ballot_log_bad_requests_are_4xx_in_chinese(env: Env) -> None:
    env.vote(CULTURE)
    for params in ({"first": 2, "second": 1}, {"first": 0, "second": 5}):
        answer = env.client.get(f"/api/ballots/{CULTURE}/log/consistency", params=params)
        assert answer.status_code == 400 and answer.json()["code"] == "bad_tree_size"
    unknown = env.client.get(
        f"/api/ballots/{CULTURE}/log/inclusion", params={"receipt_digest": "0" * 64}
    )
    assert unknown.status_code == 404 and "回执" in unknown.json()["message"]
    assert env.client.get(
        f"/api/ballots/{ECOLOGY}/log/inclusion", params={"receipt_digest": "x"}
    ).status_code in (400, 422)
    assert env.client.get("/api/ballots/nope/checkpoints").status_code == 404


def test_ballot_log_rows_refuse_update_and_delete(make_env: Apps, database_url: str) -> None:
    env = make_env(database_url=database_url)
    env.vote(CULTURE)
    env.client.get(f"/api/ballots/{CULTURE}/checkpoints")
    engine = core_state(env.app).db.engine
    for statement in (
        "UPDATE ballot_log_leaf SET data = 'x'",
        "DELETE FROM ballot_log_leaf",
        "UPDATE ballot_checkpoint SET size = 9",
        "DELETE FROM ballot_checkpoint",
    ):
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))


def test_ballot_log_concurrent_rounds_number_leaves_without_gap(
    make_env: Apps, database_url: str
) -> None:
    """Rounds of votes on several connections at once (PostgreSQL: in parallel) share one counter."""
    from tests.voting.test_recording import paper

    env = make_env(database_url=database_url, ratelimit_enabled=False)
    rounds = [
        [paper(env, env.captcha(CULTURE), f"v{r}-{n}", network=f"n{r}-{n}") for n in range(5)]
        for r in range(8)
    ]
    recorders = [recorder_for(core_state(env.app).db) for _ in range(4)]

    async def record_all() -> list[list[str]]:
        import asyncio

        try:
            return await asyncio.gather(
                *(recorders[i % 4].record(papers) for i, papers in enumerate(rounds))
            )
        finally:
            for recorder in recorders:
                await recorder.close()

    outcomes = run_async(record_all())
    assert all(o == "accepted" for batch in outcomes for o in batch)
    stored = leaves(env, CULTURE)  # checks 0..n-1 with no gap or repeat
    assert len(stored) == 40
    assert {leaf["receipt"] for leaf in stored} == {
        digest for (digest,) in rows(env, "SELECT receipt_digest FROM vote")
    }


def test_ballot_log_a_quiet_log_is_signed_by_the_worker_minute(make_env: Apps) -> None:
    """No vote and no visitor after the last vote: the worker's minute signs the grown log."""
    from vote_api.voting.ballot_log.published import sign_due
    from vote_api.voting.deps import voting_of

    clock = Clock(NOW)
    env = make_env(clock=clock, ratelimit_enabled=False)
    env.vote(CULTURE)
    clock.moment = NOW + timedelta(minutes=2)
    env.new_visitor()
    env.vote(CULTURE)
    sizes = rows(env, "SELECT size FROM ballot_checkpoint WHERE ballot_id = :b", b=CULTURE)
    assert sizes == [(1,)]
    voting = voting_of(env.app)
    clock.moment = NOW + timedelta(minutes=9)
    with voting.db.session() as session:
        sign_due(session, voting)
    assert len(rows(env, "SELECT size FROM ballot_checkpoint WHERE ballot_id = :b", b=CULTURE)) == 1
    clock.moment = NOW + timedelta(minutes=10)
    with voting.db.session() as session:
        sign_due(session, voting)
    sizes = rows(
        env, "SELECT size FROM ballot_checkpoint WHERE ballot_id = :b ORDER BY size", b=CULTURE
    )
    assert sizes == [(1,), (2,)]
