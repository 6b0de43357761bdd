"""Ballots: list and detail from the award data, state by server time."""

from __future__ import annotations

from datetime import datetime, timedelta

from award.moments import SHANGHAI
from tests.factories import CULTURE, ECOLOGY, MANAGEMENT, SERVICE, SOCIAL, Apps, Clock, Env


def test_ballots_list_every_demo_ballot_with_its_state(env: Env) -> None:
    body = env.client.get("/api/ballots").json()
    states = {ballot["id"]: ballot["state"] for ballot in body["ballots"]}
    assert states == {
        CULTURE: "open",
        SOCIAL: "open",
        ECOLOGY: "closed",
        MANAGEMENT: "upcoming",
        SERVICE: "open",
    }
    assert datetime.fromisoformat(body["now"]) == env.clock()


def test_ballots_detail_carries_candidates_window_and_rule(env: Env) -> None:
    ballot = env.ballot(SOCIAL)
    assert ballot["category_label"] == "社会类"
    assert ballot["rule"] == {
        "period": "window",
        "period_text": "投票期内每人只能投一次",
        "max_choices": 2,
        "identity": "device",
        "identity_text": "每个浏览器凭其投票标识（Cookie）投票",
    }
    assert [c["id"] for c in ballot["candidates"]] == ["SO01", "SO02", "SO03"]
    assert all("（演示）" in c["name"] for c in ballot["candidates"])
    assert ballot["window_text"].startswith("2026年11月22日 09:00 至")
    assert "个工作日" in ballot["window_text"]
    opens = datetime.fromisoformat(ballot["opens"])
    assert opens == datetime(2026, 11, 22, 9, 0, tzinfo=SHANGHAI)
    assert ballot["results_public"] is False


def test_ballots_day_rule_reads_once_a_day(env: Env) -> None:
    assert env.ballot(CULTURE)["rule"]["period_text"] == "每人每天可投一次"


def test_ballots_unknown_id_is_404_in_chinese(env: Env) -> None:
    response = env.client.get("/api/ballots/2026-nothing")
    assert response.status_code == 404
    assert response.json()["code"] == "ballot_not_found"
    assert "2026-nothing" in response.json()["message"]


def test_ballots_state_follows_the_server_clock(make_env: Apps) -> None:
    clock = Clock(datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI))
    env = make_env(clock=clock)
    closes = datetime.fromisoformat(env.ballot(CULTURE)["closes"])
    clock.moment = closes - timedelta(seconds=1)
    assert env.ballot(CULTURE)["state"] == "open"
    clock.moment = closes
    assert env.ballot(CULTURE)["state"] == "closed"
    assert env.ballot(CULTURE)["results_public"] is True


def test_ballots_the_demo_phone_ballot_says_how_voters_prove_themselves(env: Env) -> None:
    rule = env.ballot(SERVICE)["rule"]
    assert rule["identity"] == "phone" and "短信验证码" in rule["identity_text"]
