"""One human check per phone vote: the captcha guards the SMS send, the verified number the vote.

A phone ballot's vote takes no captcha; without a verified session (none, forged, expired,
another browser's copy replayed) it is refused, and one number still votes once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text

from tests.factories import CULTURE, SOCIAL, Env
from tests.voting.phone_flow import OTHER_PHONE, verify
from vote_api.core.state import core_state
from vote_api.voting.proofs.phone.session import COOKIE_NAME


def vote_without_captcha(env: Env, ballot: str = CULTURE, client: Any = None) -> Any:
    """A vote with no captcha in it, as the phone ballot's third step sends it."""
    body = {"candidates": [env.candidate(ballot)]}
    return (client or env.client).post(f"/api/ballots/{ballot}/votes", json=body)


def stored_votes(env: Env) -> int:
    with core_state(env.app).db.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM vote")).scalar_one())


def unused_captchas(env: Env) -> int:
    with core_state(env.app).db.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM captcha_challenge")).scalar_one())


def test_phone_vote_of_a_verified_number_needs_no_captcha(phone_env: Env) -> None:
    assert verify(phone_env.client).status_code == 200
    assert unused_captchas(phone_env) == 0  # the one captcha of this vote guarded the SMS send
    accepted = vote_without_captcha(phone_env)
    assert accepted.status_code == 201, accepted.text
    assert "回执码" in accepted.json()["message"]
    assert stored_votes(phone_env) == 1


def test_phone_vote_without_a_verified_session_is_refused_and_stores_nothing(
    phone_env: Env,
) -> None:
    refused = vote_without_captcha(phone_env)
    assert refused.status_code == 401
    assert refused.json()["code"] == "phone_not_verified"
    assert "短信验证码" in refused.json()["message"]
    # Nor does solving a vote captcha stand in for the number.
    assert phone_env.vote(CULTURE).status_code == 401
    assert stored_votes(phone_env) == 0


def test_phone_vote_with_a_forged_or_altered_session_cookie_is_refused(phone_env: Env) -> None:
    assert verify(phone_env.client).status_code == 200
    genuine = phone_env.client.cookies[COOKIE_NAME]
    payload, _, signature = genuine.rpartition(".")
    forgeries = [
        "forged",
        f"{payload}.{'0' * len(signature)}",  # right payload, wrong signature
        f"{payload[:-2]}xx.{signature}",  # altered payload, old signature
        genuine + "A",
    ]
    for forged in forgeries:
        phone_env.client.cookies.clear()
        phone_env.client.cookies.set(COOKIE_NAME, forged, path="/api")
        refused = vote_without_captcha(phone_env)
        assert refused.status_code == 401, forged
        assert refused.json()["code"] == "phone_not_verified"
    assert stored_votes(phone_env) == 0


def test_phone_vote_replayed_from_a_copied_session_counts_once(phone_env: Env) -> None:
    assert verify(phone_env.client).status_code == 200
    session = phone_env.client.cookies[COOKIE_NAME]
    assert vote_without_captcha(phone_env).status_code == 201
    again = vote_without_captcha(phone_env)
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    # The same session replayed from another browser (no device cookie) is the same voter.
    phone_env.new_visitor()
    phone_env.client.cookies.set(COOKIE_NAME, session, path="/api")
    replayed = vote_without_captcha(phone_env)
    assert replayed.status_code == 409
    assert stored_votes(phone_env) == 1


def test_phone_session_replayed_after_it_expired_is_refused(phone_env: Env) -> None:
    assert verify(phone_env.client, OTHER_PHONE).status_code == 200
    phone_env.clock.moment += timedelta(minutes=30, seconds=1)
    refused = vote_without_captcha(phone_env)
    assert refused.status_code == 401 and refused.json()["code"] == "phone_not_verified"
    assert stored_votes(phone_env) == 0


def test_device_ballot_keeps_its_captcha(phone_env: Env) -> None:
    # SOCIAL stays a device ballot: a verified number does not stand in for its captcha.
    assert verify(phone_env.client).status_code == 200
    refused = vote_without_captcha(phone_env, SOCIAL)
    assert refused.status_code == 400 and refused.json()["code"] == "captcha_missing"
    assert "验证码" in refused.json()["message"]
    assert stored_votes(phone_env) == 0
    assert phone_env.vote(SOCIAL).status_code == 201


def test_device_ballot_with_half_a_captcha_is_refused(phone_env: Env) -> None:
    body = {"captcha_id": phone_env.captcha(SOCIAL), "candidates": [phone_env.candidate(SOCIAL)]}
    refused = phone_env.client.post(f"/api/ballots/{SOCIAL}/votes", json=body)
    assert refused.status_code == 400 and refused.json()["code"] == "captcha_missing"
    assert stored_votes(phone_env) == 0
