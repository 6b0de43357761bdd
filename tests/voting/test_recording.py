"""Recording votes: PostgreSQL's one-statement round and SQLite's statements give the same outcomes.

Each test runs on both databases: SQLite (the embedded default) and PostgreSQL, where a
round of votes is one call of ``szmqa_cast_votes`` (migration 0006). The recorder is driven
directly with a round of mixed votes, and the vote route over HTTP for every outcome.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.factories import CULTURE, IMAGE_ANSWER, SOCIAL, Apps, Env, run_async
from tests.migrations.databases import postgres_schema
from vote_api.core.humancheck import HumanAnswer
from vote_api.core.state import core_state
from vote_api.voting.casting import Submission, Traits, outcome_of, prepare
from vote_api.voting.deps import voting_of
from vote_api.voting.recording import APPLICATION_NAME, recorder_for


def stored(env: Env, sql: str, **params: Any) -> Any:
    """One value read straight from the app's database."""
    with core_state(env.app).db.engine.connect() as connection:
        return connection.execute(text(sql), params).scalar_one()


def paper(env: Env, captcha_id: str, voter: str, *, network: str = "n1", **extra: Any) -> Any:
    """A prepared vote for the culture ballot from ``voter`` on ``network``."""
    voting = voting_of(env.app)
    entry = voting.catalog.get(extra.pop("ballot", CULTURE))
    answer = HumanAnswer(captcha_id, extra.pop("answer", IMAGE_ANSWER))
    submission = Submission(
        entry=entry,
        candidates=extra.pop("candidates", ["CU01"]),
        ticket=run_async(voting.human_check.ticket(answer, f"vote:{entry.id}", env.clock())),
        voter_key=voter,
        traits=Traits(address_key="a", network_key=network, agent_key="g"),
    )
    return prepare(submission, now=env.clock())


def test_recording_a_mixed_round_in_one_call(
    make_env: Apps, database_url: str, capped_demo_dir: Path
) -> None:
    env = make_env(database_url=database_url, demo_dir=capped_demo_dir)  # culture: 2 a day
    captchas = [env.captcha(CULTURE) for _ in range(7)]
    wrong_scope = env.captcha(SOCIAL)
    papers = [
        paper(env, captchas[0], "v1"),
        paper(env, captchas[1], "v1"),  # the same voter again, in the same round
        paper(env, captchas[2], "v2", answer="WRONG"),
        paper(env, captchas[3], "v3", candidates=["nobody"]),  # refused by the service
        paper(env, captchas[4], "v4"),  # the network's second vote today: still counted
        paper(env, captchas[5], "v5"),  # its third: over the cap of 2
        paper(env, captchas[6], "v6", network="n2"),
        paper(env, wrong_scope, "v7", network="n3"),
        paper(env, "no-such-captcha", "v8", network="n4"),
    ]
    recorder = recorder_for(core_state(env.app).db)

    async def record() -> list[str]:
        try:
            return await recorder.record(papers)
        finally:
            await recorder.close()

    outcomes = run_async(record())
    assert outcomes == [
        "accepted",
        "already_voted",
        "captcha_wrong",
        "consumed",
        "accepted",
        "daily_cap",
        "accepted",
        "captcha_scope",
        "captcha_invalid",
    ]
    told = [outcome_of(p, o) for p, o in zip(papers, outcomes, strict=True)]
    codes = [getattr(t, "code", "accepted") for t in told]
    assert codes == [
        "accepted",
        "already_voted",
        "captcha_wrong",
        "unknown_candidate",
        "accepted",
        "daily_cap_reached",
        "accepted",
        "captcha_invalid",
        "captcha_invalid",
    ]
    assert stored(env, "SELECT count(*) FROM vote") == 3
    assert stored(env, "SELECT count(*) FROM captcha_challenge") == 0  # every one used up
    assert stored(env, "SELECT votes FROM vote_network_day WHERE network_key = 'n1'") == 2
    with core_state(env.app).db.engine.connect() as connection:
        kept = set(connection.execute(text("SELECT receipt_digest FROM vote")).scalars())
    assert kept == {papers[n].row["receipt_digest"] for n in (0, 4, 6)}


def test_recording_every_outcome_over_http(make_env: Apps, database_url: str) -> None:
    env = make_env(database_url=database_url)
    first = env.vote(CULTURE)
    assert first.status_code == 201, first.text
    again = env.vote(CULTURE)
    assert (again.status_code, again.json()["code"]) == (409, "already_voted")

    env.new_visitor()
    wrong_id = env.captcha(CULTURE)
    wrong = env.vote(CULTURE, captcha_id=wrong_id, answer="WRONG")
    assert (wrong.status_code, wrong.json()["code"]) == (400, "captcha_wrong")
    replay = env.vote(CULTURE, captcha_id=wrong_id)
    assert (replay.status_code, replay.json()["code"]) == (400, "captcha_invalid")

    other_ballot = env.vote(CULTURE, captcha_id=env.captcha(SOCIAL))
    assert (other_ballot.status_code, other_ballot.json()["code"]) == (400, "captcha_invalid")
    assert "不符" in other_ballot.json()["message"]

    late_id = env.captcha(CULTURE)
    env.clock.moment += timedelta(minutes=30)  # past the captcha's life, the ballot still open
    late = env.vote(CULTURE, captcha_id=late_id)
    assert (late.status_code, late.json()["code"]) == (400, "captcha_expired")

    bad_choice_id = env.captcha(CULTURE)
    bad_choice = env.vote(CULTURE, ["nobody"], captcha_id=bad_choice_id)
    assert (bad_choice.status_code, bad_choice.json()["code"]) == (400, "unknown_candidate")
    assert stored(env, "SELECT count(*) FROM captcha_challenge WHERE id = :i", i=bad_choice_id) == 0

    accepted = env.vote(CULTURE)
    assert accepted.status_code == 201, accepted.text
    receipt = env.client.get(f"/api/receipts/{accepted.json()['receipt']}")
    assert receipt.status_code == 200 and receipt.json()["counted"] is True
    assert stored(env, "SELECT count(*) FROM vote") == 2
    voted_at = datetime.fromisoformat(receipt.json()["voted_at"])
    assert voted_at == env.clock()  # the moment the service gave, stored time-zone aware


@pytest.mark.services
def test_recording_survives_postgresql_dropping_its_connections(
    make_env: Apps, postgres_url: str
) -> None:
    with postgres_schema(postgres_url) as url:
        env = make_env(database_url=url)
        assert env.vote(CULTURE).status_code == 201
        with core_state(env.app).db.engine.connect() as connection:
            dropped = connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = :name AND pid <> pg_backend_pid()"
                ),
                {"name": APPLICATION_NAME},
            ).all()
        assert dropped, "the recorder keeps its connection between rounds"
        env.new_visitor()
        after = env.vote(CULTURE)  # as after a server restart: a fresh connection, no 500
        assert after.status_code == 201, after.text
        assert stored(env, "SELECT count(*) FROM vote") == 2
