"""Casting a vote: every outcome, the window's edges, the captcha's life, the voter cookie."""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import Response

from award.moments import SHANGHAI
from tests.factories import (
    AUDIO_ANSWER,
    CULTURE,
    ECOLOGY,
    MANAGEMENT,
    NOW,
    SOCIAL,
    Apps,
    Clock,
    Env,
)
from vote_api.core.state import core_state
from vote_api.voting.models import Vote
from vote_api.voting.proofs.device import COOKIE_NAME, DeviceProof
from vote_api.voting.receipts import receipt_digest

RECEIPT = re.compile(r"^[ACDEFHJKMNPRTUVWXY3479]{4}(-[ACDEFHJKMNPRTUVWXY3479]{4}){3}$")


def stored_votes(env: Env) -> list[Vote]:
    """Every vote row in the app's database."""
    with core_state(env.app).db.session() as session:
        return list(session.exec(select(Vote)).all())


def test_vote_accepted_returns_a_receipt_shown_once_and_stores_its_digest_only(env: Env) -> None:
    response = env.vote(CULTURE, ["CU02"])
    assert response.status_code == 201, response.text
    body = response.json()
    assert RECEIPT.match(body["receipt"])
    assert body["receipt"] in body["message"] and "只显示这一次" in body["message"]
    assert body["receipt_digest"] == receipt_digest(body["receipt"])
    [vote] = stored_votes(env)
    assert vote.ballot_id == CULTURE and vote.choices == "CU02"
    assert vote.receipt_digest == body["receipt_digest"]
    assert vote.period_key == "2026-11-24"
    assert body["receipt"] not in repr(vote.model_dump())


def test_vote_rows_keep_no_raw_address_or_token(env: Env) -> None:
    env.vote(CULTURE)
    token = env.client.cookies.get(COOKIE_NAME)
    [vote] = stored_votes(env)
    assert len(vote.voter_key) == 64 and len(vote.address_key) == 64
    assert "testclient" not in vote.address_key
    assert token.split(".")[0] not in vote.voter_key


def test_vote_two_choices_stored_sorted_in_a_window_ballot(env: Env) -> None:
    response = env.vote(SOCIAL, ["SO03", "SO01"])
    assert response.status_code == 201, response.text
    [vote] = stored_votes(env)
    assert vote.choices == "SO01,SO03" and vote.period_key == "window"


def test_vote_second_in_a_day_refused_with_come_back_tomorrow(env: Env) -> None:
    assert env.vote(CULTURE).status_code == 201
    response = env.vote(CULTURE)
    assert response.status_code == 409
    assert response.json()["code"] == "already_voted"
    assert "明天" in response.json()["message"]
    assert len(stored_votes(env)) == 1


def test_vote_next_day_accepted_again_in_a_day_ballot(make_env: Apps) -> None:
    clock = Clock(NOW)
    env = make_env(clock=clock)
    assert env.vote(CULTURE).status_code == 201
    clock.moment = NOW + timedelta(days=1)
    assert env.vote(CULTURE).status_code == 201
    assert sorted(v.period_key for v in stored_votes(env)) == ["2026-11-24", "2026-11-25"]


def test_vote_period_day_turns_at_shanghai_midnight(make_env: Apps) -> None:
    clock = Clock(datetime(2026, 11, 24, 23, 59, 59, tzinfo=SHANGHAI))
    env = make_env(clock=clock)
    assert env.vote(CULTURE).status_code == 201
    clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=SHANGHAI)
    assert env.vote(CULTURE).status_code == 201


def test_vote_second_in_a_window_ballot_refused_for_good(make_env: Apps) -> None:
    clock = Clock(NOW)
    env = make_env(clock=clock)
    assert env.vote(SOCIAL, ["SO01"]).status_code == 201
    clock.moment = NOW + timedelta(days=1)
    response = env.vote(SOCIAL, ["SO02"])
    assert response.status_code == 409
    assert "只能投一次" in response.json()["message"]
    assert "明天" not in response.json()["message"]


def test_vote_another_visitor_is_another_voter(env: Env) -> None:
    assert env.vote(CULTURE).status_code == 201
    env.new_visitor()
    assert env.vote(CULTURE).status_code == 201
    assert len({v.voter_key for v in stored_votes(env)}) == 2


def test_vote_first_captcha_sets_a_signed_httponly_lax_cookie(env: Env) -> None:
    response = env.client.post("/api/captchas", json={"purpose": "vote", "target": CULTURE})
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/api" in cookie
    assert "Secure" not in cookie  # plain http here
    token, signature = cookie.split(";")[0].split("=", 1)[1].split(".")
    assert len(token) >= 20 and len(signature) >= 40


def fake_request(peer: str, headers: dict[str, str]) -> Request:
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/captchas",
        "scheme": "http",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": (peer, 40000),
        "server": ("127.0.0.1", 8000),
    }
    return Request(scope)


def test_vote_cookie_secure_only_when_a_trusted_proxy_says_https() -> None:
    identity = DeviceProof(b"k" * 32, 1, [ipaddress.ip_network("10.0.0.0/8")])
    voter = identity.identify(fake_request("10.0.0.5", {}))
    behind_proxy = Response()
    identity.remember(fake_request("10.0.0.5", {"x-forwarded-proto": "https"}), behind_proxy, voter)
    assert "Secure" in behind_proxy.headers["set-cookie"]
    forged = Response()
    identity.remember(fake_request("203.0.113.9", {"x-forwarded-proto": "https"}), forged, voter)
    assert "Secure" not in forged.headers["set-cookie"]


def test_vote_cookie_secure_over_https(make_env: Apps) -> None:
    env = make_env()
    env.client.base_url = env.client.base_url.copy_with(scheme="https")
    response = env.client.post("/api/captchas", json={"purpose": "vote", "target": CULTURE})
    assert "Secure" in response.headers["set-cookie"]


def test_vote_forged_cookie_is_a_new_voter_not_the_victim(env: Env) -> None:
    assert env.vote(CULTURE).status_code == 201
    token = env.client.cookies.get(COOKIE_NAME)
    forged = token.split(".")[0] + ".AAAA" + token.split(".")[1][4:]
    env.new_visitor()
    captcha_id = env.captcha(CULTURE)
    env.new_visitor()
    response = env.client.post(
        f"/api/ballots/{CULTURE}/votes",
        json={"captcha_id": captcha_id, "captcha_answer": "ACDEF", "candidates": ["CU01"]},
        headers={"cookie": f"{COOKIE_NAME}={forged}"},
    )
    assert response.status_code == 201  # a new identity, so not "already voted"
    issued = response.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    assert issued != forged and issued.split(".")[0] != token.split(".")[0]


def test_vote_without_any_cookie_gets_one_with_the_vote(env: Env) -> None:
    captcha_id = env.captcha(CULTURE)
    env.new_visitor()
    response = env.vote(CULTURE, captcha_id=captcha_id)
    assert response.status_code == 201
    assert response.headers["set-cookie"].startswith(f"{COOKIE_NAME}=")


# --- the window, by server time -----------------------------------------------------------


def window(env: Env, ballot: str) -> tuple[datetime, datetime]:
    data = env.ballot(ballot)
    return datetime.fromisoformat(data["opens"]), datetime.fromisoformat(data["closes"])


def test_vote_one_second_before_opening_refused_with_the_opening_time(
    make_env: Apps,
) -> None:
    clock = Clock(NOW)
    env = make_env(clock=clock)
    opens, _ = window(env, CULTURE)
    clock.moment = opens - timedelta(seconds=1)
    response = env.vote(CULTURE)
    assert response.status_code == 403
    assert response.json()["code"] == "ballot_not_open"
    assert "2026年11月22日 09:00" in response.json()["message"]


def test_vote_at_the_opening_second_accepted(make_env: Apps) -> None:
    clock = Clock(NOW)
    env = make_env(clock=clock)
    clock.moment, _ = window(env, CULTURE)
    assert env.vote(CULTURE).status_code == 201


def test_vote_one_second_before_closing_accepted(make_env: Apps) -> None:
    clock = Clock(NOW)
    env = make_env(clock=clock)
    _, closes = window(env, CULTURE)
    clock.moment = closes - timedelta(seconds=1)
    assert env.vote(CULTURE).status_code == 201


def test_vote_at_closing_refused_with_the_closing_time(make_env: Apps) -> None:
    clock = Clock(NOW)
    env = make_env(clock=clock)
    _, closes = window(env, CULTURE)
    clock.moment = closes
    response = env.vote(CULTURE)
    assert response.status_code == 403
    assert response.json()["code"] == "ballot_closed"
    assert f"{closes.month}月{closes.day}日 17:00" in response.json()["message"]
    clock.moment = closes + timedelta(hours=1)
    assert env.vote(CULTURE).json()["code"] == "ballot_closed"


def test_vote_closed_and_upcoming_demo_ballots_refused(env: Env) -> None:
    closed = env.vote(ECOLOGY)
    upcoming = env.vote(MANAGEMENT)
    assert (closed.status_code, closed.json()["code"]) == (403, "ballot_closed")
    assert (upcoming.status_code, upcoming.json()["code"]) == (403, "ballot_not_open")
    assert "截止" in closed.json()["message"] and "开始" in upcoming.json()["message"]
    assert stored_votes(env) == []


# --- the captcha -----------------------------------------------------------------------------


def test_vote_wrong_captcha_refused_and_used_up(env: Env) -> None:
    captcha_id = env.captcha(CULTURE)
    wrong = env.vote(CULTURE, captcha_id=captcha_id, answer="XXXXX")
    assert wrong.status_code == 400 and wrong.json()["code"] == "captcha_wrong"
    assert "验证码不正确" in wrong.json()["message"]
    again = env.vote(CULTURE, captcha_id=captcha_id)  # now with the right answer: too late
    assert again.status_code == 400 and again.json()["code"] == "captcha_invalid"
    assert stored_votes(env) == []


def test_vote_captcha_answer_is_case_and_space_insensitive(env: Env) -> None:
    assert env.vote(CULTURE, answer=" acd ef ").status_code == 201


def test_vote_captcha_reused_after_success_refused(env: Env) -> None:
    captcha_id = env.captcha(SOCIAL)
    assert env.vote(SOCIAL, ["SO01"], captcha_id=captcha_id).status_code == 201
    env.new_visitor()
    reused = env.vote(SOCIAL, ["SO01"], captcha_id=captcha_id)
    assert reused.status_code == 400 and reused.json()["code"] == "captcha_invalid"


def test_vote_captcha_used_up_by_an_already_voted_refusal(env: Env) -> None:
    assert env.vote(CULTURE).status_code == 201
    captcha_id = env.captcha(CULTURE)
    assert env.vote(CULTURE, captcha_id=captcha_id).status_code == 409
    env.new_visitor()
    assert env.vote(CULTURE, captcha_id=captcha_id).json()["code"] == "captcha_invalid"


def test_vote_captcha_used_up_by_a_bad_choice(env: Env) -> None:
    captcha_id = env.captcha(CULTURE)
    assert env.vote(CULTURE, ["NOPE"], captcha_id=captcha_id).status_code == 400
    assert env.vote(CULTURE, captcha_id=captcha_id).json()["code"] == "captcha_invalid"


def test_vote_captcha_expires_at_its_ttl(make_env: Apps) -> None:
    clock = Clock(NOW)
    env = make_env(clock=clock, captcha_ttl_seconds=60)
    fresh = env.captcha(CULTURE)
    late = env.captcha(CULTURE)
    clock.moment = NOW + timedelta(seconds=59)
    assert env.vote(CULTURE, captcha_id=fresh).status_code == 201
    env.new_visitor()
    clock.moment = NOW + timedelta(seconds=60)
    response = env.vote(CULTURE, captcha_id=late)
    assert response.status_code == 400 and response.json()["code"] == "captcha_expired"
    assert "过期" in response.json()["message"]


def test_vote_captcha_of_another_ballot_refused(env: Env) -> None:
    captcha_id = env.captcha(SOCIAL)
    response = env.vote(CULTURE, captcha_id=captcha_id)
    assert response.status_code == 400 and response.json()["code"] == "captcha_invalid"
    assert "不符" in response.json()["message"]


def test_vote_captcha_for_an_objection_refused(env: Env) -> None:
    notice = next(n.id for n in core_state(env.app).content.notices if n.meta.objections)
    objection = env.client.post("/api/captchas", json={"purpose": "objection", "target": notice})
    assert objection.status_code == 200
    response = env.vote(CULTURE, captcha_id=objection.json()["captcha_id"])
    assert response.json()["code"] == "captcha_invalid"


def test_vote_unknown_captcha_refused(env: Env) -> None:
    response = env.vote(CULTURE, captcha_id="no-such-captcha")
    assert response.status_code == 400 and response.json()["code"] == "captcha_invalid"


def test_vote_audio_captcha_answered_with_its_digits(env: Env) -> None:
    response = env.client.post(
        "/api/captchas", json={"purpose": "vote", "target": CULTURE, "kind": "audio"}
    )
    assert response.status_code == 200
    assert response.json()["media_type"] == "audio/wav"
    vote = env.vote(CULTURE, captcha_id=response.json()["captcha_id"], answer=AUDIO_ANSWER)
    assert vote.status_code == 201


def test_vote_image_captcha_is_a_png(env: Env) -> None:
    import base64

    response = env.client.post("/api/captchas", json={"purpose": "vote", "target": CULTURE})
    body = response.json()
    assert body["media_type"] == "image/png" and body["expires_in"] == 300
    assert base64.b64decode(body["data"]).startswith(b"\x89PNG\r\n\x1a\n")


def test_vote_captcha_for_unknown_ballot_refused(env: Env) -> None:
    response = env.client.post("/api/captchas", json={"purpose": "vote", "target": "nope"})
    assert response.status_code == 404 and response.json()["code"] == "ballot_not_found"


# --- choices and the request body ------------------------------------------------------------


def test_vote_unknown_candidate_refused(env: Env) -> None:
    response = env.vote(CULTURE, ["SO01"])  # a candidate of another ballot
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_candidate"
    assert "SO01" in response.json()["message"]


def test_vote_too_many_choices_refused(env: Env) -> None:
    response = env.vote(SOCIAL, ["SO01", "SO02", "SO03"])
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_choices"
    assert "最多选择 2 个" in response.json()["message"]
    one_choice = env.vote(CULTURE, ["CU01", "CU02"])
    assert one_choice.json()["code"] == "too_many_choices"


def test_vote_duplicate_choice_refused(env: Env) -> None:
    response = env.vote(SOCIAL, ["SO01", "SO01"])
    assert response.status_code == 400 and response.json()["code"] == "duplicate_choice"


def test_vote_no_choice_refused(env: Env) -> None:
    response = env.vote(CULTURE, [])
    assert response.status_code == 400 and response.json()["code"] == "no_choice"


def test_vote_extra_fields_refused(env: Env) -> None:
    response = env.vote(CULTURE, voter="someone-else")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert "不接受此字段" in response.json()["message"]
    assert stored_votes(env) == []


def test_vote_missing_and_malformed_bodies_refused_in_chinese(env: Env) -> None:
    url = f"/api/ballots/{CULTURE}/votes"
    missing = env.client.post(url, json={"captcha_id": "x", "captcha_answer": "y"})
    assert missing.status_code == 422 and "缺少此项" in missing.json()["message"]
    no_captcha = env.client.post(url, json={"candidates": ["CU01"]})
    assert no_captcha.status_code == 400 and no_captcha.json()["code"] == "captcha_missing"
    broken = env.client.post(
        url, content=b"{not json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422 and broken.json()["code"] == "invalid_request"
    wrong_type = env.client.post(
        url, json={"captcha_id": "x", "captcha_answer": "y", "candidates": "CU01"}
    )
    assert wrong_type.status_code == 422


def test_vote_on_unknown_ballot_refused(env: Env) -> None:
    response = env.vote("2026-nothing", ["CU01"], captcha_id="x")
    assert response.status_code == 404 and response.json()["code"] == "ballot_not_found"


def test_vote_refusals_never_store_half_a_vote(env: Env) -> None:
    for response in (
        env.vote(CULTURE, answer="WRONG"),
        env.vote(CULTURE, ["NOPE"]),
        env.vote(ECOLOGY),
        env.vote(CULTURE, captcha_id="unknown"),
    ):
        assert 400 <= response.status_code < 500
        assert set(response.json()) == {"code", "message"}
    assert stored_votes(env) == []


# --- daily cap per network -------------------------------------------------------------------


def test_vote_daily_cap_per_address_refuses_with_retry_after(
    make_env: Apps, capped_demo_dir: Path
) -> None:
    env = make_env(demo_dir=capped_demo_dir)  # the culture ballot allows 2 votes per address a day
    assert env.vote(CULTURE).status_code == 201
    env.new_visitor()
    assert env.vote(CULTURE).status_code == 201
    env.new_visitor()
    capped = env.vote(CULTURE)
    assert capped.status_code == 429
    assert capped.json()["code"] == "daily_cap_reached"
    assert "上限" in capped.json()["message"]
    assert int(capped.headers["retry-after"]) == 14 * 3600  # 10:00 to midnight, Beijing time
    assert "明天" in capped.json()["message"]
    assert len(stored_votes(env)) == 2
    env.new_visitor()
    assert env.vote(SOCIAL, ["SO01"]).status_code == 201  # the cap is per ballot


def test_vote_daily_cap_counts_only_stored_votes(make_env: Apps, capped_demo_dir: Path) -> None:
    env = make_env(demo_dir=capped_demo_dir)
    assert env.vote(CULTURE).status_code == 201
    for _ in range(3):
        assert env.vote(CULTURE).status_code == 409  # refused votes use up no place
    env.new_visitor()
    assert env.vote(CULTURE).status_code == 201


def test_vote_oversized_body_refused_while_streaming(env: Env) -> None:
    def body():
        for _ in range(64):
            yield b" " * 16 * 1024  # 1 MiB in all, far above the 64 KiB cap of a vote

    response = env.client.post(
        f"/api/ballots/{CULTURE}/votes",
        content=body(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert "message" in response.json()
    assert stored_votes(env) == []


def test_vote_daily_cap_counts_a_whole_network_and_survives_a_restart(
    make_env: Apps, capped_demo_dir: Path, tmp_path: Path, live_server: Any
) -> None:
    database = f"sqlite:///{tmp_path}/capped.db"
    env = make_env(demo_dir=capped_demo_dir, database_url=database, trusted_proxies="127.0.0.1")
    server = live_server(env.app)

    def vote_from(address: str) -> int:
        headers = {"X-Forwarded-For": address}
        with httpx.Client(base_url=server.url, headers=headers) as client:  # a new visitor
            captcha = client.post(
                "/api/captchas", json={"purpose": "vote", "target": CULTURE}
            ).json()["captcha_id"]
            return client.post(
                f"/api/ballots/{CULTURE}/votes",
                json={"captcha_id": captcha, "captcha_answer": "ACDEF", "candidates": ["CU01"]},
            ).status_code

    neighbours = ["203.0.113.7", "203.0.113.200", "203.0.113.45"]  # one /24
    assert [vote_from(a) for a in neighbours] == [201, 201, 429]
    assert vote_from("203.0.114.9") == 201  # the next /24 is another network
    env_again = make_env(
        demo_dir=capped_demo_dir, database_url=database, trusted_proxies="127.0.0.1"
    )
    server = live_server(env_again.app)  # a restarted service: the count is in the database
    assert vote_from("203.0.113.99") == 429
