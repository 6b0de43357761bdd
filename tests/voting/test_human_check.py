"""The human check as an interface: a check that needs the network (a vendor's) is verified
before the vote's transaction and fails closed; the built-in captcha is used up inside it
(its races: tests/voting/test_races.py)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from sqlalchemy import text
from starlette.requests import Request

from tests.factories import CULTURE, Apps, Env, phone_content
from tests.voting.phone_flow import PHONE
from vote_api.core.errors import APIError
from vote_api.core.humancheck import CaptchaKind, Challenge, HumanAnswer, Ticket
from vote_api.core.state import core_state
from vote_api.voting.deps import voting_of

PASS = "PASS"


class NetworkCheck:
    """A vendor's check as the service sees one: each ticket verified once, over the network."""

    name = "network"

    def __init__(self, events: list[str]) -> None:
        self.events = events
        self.used: set[str] = set()
        self.down = False

    async def issue(
        self, request: Request, scope: str, kind: CaptchaKind, now: datetime
    ) -> Challenge:
        raise APIError(404, "challenge_on_the_page", "人机验证由页面上的验证组件完成")

    async def _ask(self, answer: HumanAnswer, scope: str) -> None:
        await asyncio.sleep(0.01)  # the vendor's round trip
        self.events.append(f"checked {scope}")
        if self.down:
            raise APIError(503, "human_check_unavailable", "人机验证服务暂时无法连接，请稍后再试")
        if answer.answer != PASS or answer.challenge_id in self.used:
            raise APIError(400, "captcha_wrong", "人机验证未通过，请重新验证")
        self.used.add(answer.challenge_id)

    async def verify(self, answer: HumanAnswer, scope: str, now: datetime) -> None:
        await self._ask(answer, scope)

    async def ticket(self, answer: HumanAnswer, scope: str, now: datetime) -> Ticket:
        await self._ask(answer, scope)
        return Ticket(challenge_id=None, answer_hash=None, scope=scope)


def _watched(make_env: Apps, **settings: Any) -> tuple[Env, NetworkCheck, list[str]]:
    """An app with the network check, whose vote transactions are noted beside its checks."""
    events: list[str] = []
    check = NetworkCheck(events)
    env = make_env(human_check=check, **settings)
    writer = voting_of(env.app).writer
    record = writer._record

    async def noted(papers: list[Any]) -> list[Any]:
        events.append(f"transaction of {len(papers)}")
        return await record(papers)

    writer._record = noted
    return env, check, events


def _vote(env: Env, ticket: str, answer: str = PASS) -> Any:
    body = {"captcha_id": ticket, "captcha_answer": answer, "candidates": ["CU01"]}
    return env.client.post(f"/api/ballots/{CULTURE}/votes", json=body)


def _count(env: Env, table: str) -> int:
    with core_state(env.app).db.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_human_check_a_network_check_is_passed_before_the_vote_s_transaction(
    make_env: Apps, database_url: str
) -> None:
    env, check, events = _watched(make_env, database_url=database_url)
    assert _vote(env, "ticket-1").status_code == 201
    assert events == [f"checked vote:{CULTURE}", "transaction of 1"]
    env.new_visitor()
    replayed = _vote(env, "ticket-1")  # the vendor's ticket is single-use too
    wrong = _vote(env, "ticket-2", answer="GUESS")
    assert (replayed.status_code, wrong.status_code) == (400, 400)
    check.down = True  # fails closed: no vote without a passed check
    down = _vote(env, "ticket-3")
    assert down.status_code == 503 and down.json()["code"] == "human_check_unavailable"
    assert events.count("transaction of 1") == 1  # refused checks never reach the database
    assert _count(env, "vote") == 1 and _count(env, "captcha_challenge") == 0


def test_human_check_a_passed_check_still_meets_the_vote_s_other_rules(
    make_env: Apps, database_url: str
) -> None:
    env, _, events = _watched(make_env, database_url=database_url)
    assert _vote(env, "ticket-1").status_code == 201
    again = _vote(env, "ticket-2")  # the same voter, a fresh and valid check
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    outside = env.client.post(
        f"/api/ballots/{CULTURE}/votes",
        json={"captcha_id": "ticket-3", "captcha_answer": PASS, "candidates": ["nobody"]},
    )
    assert outside.status_code == 400 and outside.json()["code"] == "unknown_candidate"
    assert events.count("transaction of 1") == 3 and _count(env, "vote") == 1


def test_human_check_a_network_check_guards_an_sms_code_too(
    make_env: Apps, demo_dir: Any, tmp_path: Any
) -> None:
    content = phone_content(demo_dir, tmp_path / "content")
    env, check, events = _watched(make_env, demo_dir=content)
    body = {"ballot_id": CULTURE, "phone": PHONE, "captcha_id": "t-1", "captcha_answer": PASS}
    check.down = True
    refused = env.client.post("/api/phone/codes", json=body)
    assert refused.status_code == 503 and _count(env, "sms_code") == 0
    check.down = False
    sent = env.client.post("/api/phone/codes", json={**body, "captcha_id": "t-2"})
    assert sent.status_code == 200, sent.text
    assert events == [f"checked sms:{CULTURE}", f"checked sms:{CULTURE}"]
    assert _count(env, "sms_code") == 1
