"""WeChat voters against a local fake of WeChat's authorize page and code exchange.

Inside WeChat: start, authorise, come back, vote once without a captcha. Refused with a
Chinese page that says what to do next: another browser (told to open it in WeChat, with a
QR code), a code that is invalid, used or expired, a voter who declines, a state from another
browser or used twice, WeChat gone. No openid or code is stored or logged.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import text

from tests.factories import CULTURE, Apps, Env, ballot_variant, run_async
from tests.voting.wechat_fake import APP_ID, APP_SECRET, FakeWechat
from vote_api.core.state import core_state
from vote_api.voting.proofs.wechat.session import SESSION_COOKIE, STATE_COOKIE

IN_WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x18003237) NetType/WIFI"
)
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


@pytest.fixture
def fake() -> FakeWechat:
    return FakeWechat()


@pytest.fixture
def wechat_env(
    make_env: Apps, demo_dir: Path, tmp_path: Path, fake: FakeWechat, live_server: Any
) -> Env:
    """An app whose culture ballot proves voters by WeChat, pointed at the fake."""
    return wechat_app(make_env, demo_dir, tmp_path, fake, live_server)


def wechat_app(
    make_env: Apps, demo_dir: Path, tmp_path: Path, fake: FakeWechat, live_server: Any, **more: Any
) -> Env:
    """An app whose culture ballot proves voters by WeChat, pointed at the fake."""
    server = live_server(fake.app())
    env = make_env(
        **more,
        demo_dir=ballot_variant(demo_dir, tmp_path / "content", CULTURE, identity="wechat"),
        wechat_app_id=APP_ID,
        wechat_app_secret=APP_SECRET,
        wechat_authorize_url=f"{server.url}/connect/oauth2/authorize",
        wechat_api_url=server.url,
    )
    env.client.headers["User-Agent"] = IN_WECHAT
    return env


def start(env: Env, ballot: str = CULTURE) -> Any:
    return env.client.get(f"/api/wechat/start?ballot_id={ballot}", follow_redirects=False)


def authorise(env: Env, client: Any = None) -> str:
    """Start on our side and let the fake authorise; the callback address it sends back to."""
    started = (
        start(env)
        if client is None
        else client.get(f"/api/wechat/start?ballot_id={CULTURE}", follow_redirects=False)
    )
    assert started.status_code == 303, started.text
    location = started.headers["location"]
    assert location.endswith("#wechat_redirect")
    answered = httpx.get(location.split("#")[0], follow_redirects=False)
    assert answered.status_code == 302
    return answered.headers["location"]


def come_back(env: Env, address: str, client: Any = None) -> Any:
    parts = urlsplit(address)
    return (client or env.client).get(f"{parts.path}?{parts.query}", follow_redirects=False)


def vote(env: Env, client: Any = None) -> Any:
    body = {"candidates": [env.candidate(CULTURE)]}
    return (client or env.client).post(f"/api/ballots/{CULTURE}/votes", json=body)


def stored(env: Env, sql: str = "SELECT count(*) FROM vote") -> int:
    with core_state(env.app).db.engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def test_wechat_voter_authorises_inside_wechat_then_votes_once_without_captcha(
    wechat_env: Env, fake: FakeWechat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert vote(wechat_env).json()["code"] == "wechat_not_verified"
    address = authorise(wechat_env)
    asked = fake.authorize_queries[-1]
    assert asked["scope"] == "snsapi_base" and asked["appid"] == APP_ID
    assert asked["redirect_uri"] == "http://testserver/api/wechat/callback"
    back = come_back(wechat_env, address)
    assert back.status_code == 303, back.text
    assert back.headers["location"] == f"http://testserver/vote/#ballot-{CULTURE}"
    standing = wechat_env.client.get(f"/api/ballots/{CULTURE}/standing").json()
    assert standing["phone_verified"] is True and standing["voted"] is False
    accepted = vote(wechat_env)
    assert accepted.status_code == 201, accepted.text
    again = vote(wechat_env)
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    # The same WeChat user in a new browser session is the same voter.
    wechat_env.new_visitor()
    assert come_back(wechat_env, authorise(wechat_env)).status_code == 303
    assert vote(wechat_env).status_code == 409
    assert stored(wechat_env) == 1
    with core_state(wechat_env.app).db.engine.connect() as connection:
        dump = "\n".join(connection.connection.driver_connection.iterdump())
    code = parse_qs(urlsplit(address).query)["code"][0]
    # The service's own log (the test's client and the fake log their own requests).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("vote_api"))
    for secret in (fake.openid, code, APP_SECRET):
        assert secret not in dump and secret not in logged


def test_wechat_another_user_is_another_voter(wechat_env: Env, fake: FakeWechat) -> None:
    assert come_back(wechat_env, authorise(wechat_env)).status_code == 303
    assert vote(wechat_env).status_code == 201
    wechat_env.new_visitor()
    fake.openid = "oFAKE-openid-of-another-voter-02"
    assert come_back(wechat_env, authorise(wechat_env)).status_code == 303
    assert vote(wechat_env).status_code == 201
    assert stored(wechat_env) == 2


def test_wechat_other_browsers_are_told_to_open_the_page_in_wechat_with_a_qr_code(
    wechat_env: Env,
) -> None:
    wechat_env.client.headers["User-Agent"] = DESKTOP
    refused = start(wechat_env)
    assert refused.status_code == 403
    assert "在微信中" in refused.text and "二维码" in refused.text
    assert STATE_COOKIE not in refused.headers.get("set-cookie", "")
    qr = wechat_env.client.get(f"/api/wechat/qr?ballot_id={CULTURE}")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert "<path d=" in qr.text and f"/vote/#ballot-{CULTURE}" in qr.text
    not_wechat = wechat_env.client.get("/api/wechat/qr?ballot_id=demo-2026-social")
    assert not_wechat.status_code == 400


@pytest.mark.parametrize(
    ("spoil", "code"),
    [
        ("invalid", "无效"),
        ("expired", "过期"),
        ("used", "已经用过"),
    ],
)
def test_wechat_bad_codes_are_refused_with_what_to_do_next(
    wechat_env: Env, fake: FakeWechat, spoil: str, code: str
) -> None:
    address = authorise(wechat_env)
    if spoil == "invalid":
        address = address.replace("code=", "code=00")
    elif spoil == "expired":
        fake.offset = 301
    elif spoil == "used":  # the code came back twice: once in a fresh authorisation's callback
        first = come_back(wechat_env, address)
        assert first.status_code == 303
        wechat_env.new_visitor()
        used_code = parse_qs(urlsplit(address).query)["code"][0]
        fresh = authorise(wechat_env)
        state = parse_qs(urlsplit(fresh).query)["state"][0]
        address = f"/api/wechat/callback?code={used_code}&state={state}"
    refused = come_back(wechat_env, address)
    assert refused.status_code == 400, refused.text
    assert code in refused.text and "重新点击" in refused.text
    assert f"{SESSION_COOKIE}=" not in refused.headers.get("set-cookie", "")
    assert vote(wechat_env).status_code == 401
    assert stored(wechat_env) == 0


def test_wechat_voter_who_declines_is_told_and_nothing_is_stored(
    wechat_env: Env, fake: FakeWechat
) -> None:
    fake.declines = True
    refused = come_back(wechat_env, authorise(wechat_env))
    assert refused.status_code == 403 and "没有同意" in refused.text
    assert fake.exchange_queries == []
    assert vote(wechat_env).status_code == 401
    assert stored(wechat_env) == 0


def test_wechat_state_used_twice_is_refused(wechat_env: Env) -> None:
    address = authorise(wechat_env)
    assert come_back(wechat_env, address).status_code == 303  # this browser: fine, once
    replayed = come_back(wechat_env, address)
    assert replayed.status_code == 400 and "只能用一次" in replayed.text


def test_wechat_state_of_another_browser_is_refused(wechat_env: Env) -> None:
    address = authorise(wechat_env)
    wechat_env.new_visitor()  # the other browser holds no state cookie of this authorisation
    refused = come_back(wechat_env, address)
    assert refused.status_code == 400 and "不是从这个浏览器开始的" in refused.text
    assert vote(wechat_env).status_code == 401


def test_wechat_gone_or_refusing_is_a_503_and_nothing_is_stored(
    wechat_env: Env, fake: FakeWechat, make_env: Apps, demo_dir: Path, tmp_path: Path
) -> None:
    fake.down = True
    refused = come_back(wechat_env, authorise(wechat_env))
    assert refused.status_code == 503 and "稍后重试" in refused.text
    unreachable = make_env(
        demo_dir=ballot_variant(demo_dir, tmp_path / "c2", CULTURE, identity="wechat"),
        wechat_app_id=APP_ID,
        wechat_app_secret=APP_SECRET,
        wechat_authorize_url=fake_authorize_of(wechat_env),
        wechat_api_url="http://127.0.0.1:9",  # nothing listens
        wechat_timeout_seconds=1,
    )
    unreachable.client.headers["User-Agent"] = IN_WECHAT
    gone = come_back(unreachable, authorise(unreachable))
    assert gone.status_code == 503
    assert stored(wechat_env) == 0 and stored(unreachable) == 0


def fake_authorize_of(env: Env) -> str:
    return env.settings.wechat_authorize_url


def test_wechat_session_forged_or_expired_is_refused(wechat_env: Env) -> None:
    assert come_back(wechat_env, authorise(wechat_env)).status_code == 303
    genuine = wechat_env.client.cookies[SESSION_COOKIE]
    payload, _, signature = genuine.rpartition(".")
    for forged in (f"{payload}.{'A' * len(signature)}", f"x{payload}.{signature}", "forged"):
        wechat_env.client.cookies.set(SESSION_COOKIE, forged, path="/api")
        assert vote(wechat_env).status_code == 401
    wechat_env.client.cookies.set(SESSION_COOKIE, genuine, path="/api")
    wechat_env.clock.moment += timedelta(minutes=30, seconds=1)
    expired = vote(wechat_env)
    assert expired.status_code == 401 and expired.json()["code"] == "wechat_not_verified"
    assert stored(wechat_env) == 0


def test_wechat_not_configured_refuses_to_start(
    make_env: Apps, demo_dir: Path, tmp_path: Path
) -> None:
    env = make_env(demo_dir=ballot_variant(demo_dir, tmp_path / "c", CULTURE, identity="wechat"))
    env.client.headers["User-Agent"] = IN_WECHAT
    refused = start(env)
    assert refused.status_code == 503 and "秘书处" in refused.text


def test_wechat_one_state_sent_back_five_times_at_once_starts_one_session(
    make_env: Apps,
    demo_dir: Path,
    tmp_path: Path,
    fake: FakeWechat,
    live_server: Any,
    database_url: str,
) -> None:
    wechat_env = wechat_app(
        make_env, demo_dir, tmp_path, fake, live_server, database_url=database_url
    )
    address = authorise(wechat_env)
    parts = urlsplit(address)
    cookie = wechat_env.client.cookies[STATE_COOKIE]

    async def race() -> list[int]:
        transport = httpx.ASGITransport(app=wechat_env.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            client.cookies.set(STATE_COOKIE, cookie, path="/api/wechat")
            answers = await asyncio.gather(
                *(client.get(f"{parts.path}?{parts.query}") for _ in range(5))
            )
        return sorted(answer.status_code for answer in answers)

    assert run_async(race()) == [303, 400, 400, 400, 400]
    assert len(fake.exchange_queries) == 1  # the code went to WeChat once


def test_wechat_huge_or_malformed_callback_is_refused_calmly(
    wechat_env: Env, fake: FakeWechat
) -> None:
    address = authorise(wechat_env)
    state = parse_qs(urlsplit(address).query)["state"][0]
    for query in (f"state={'S' * 5000}&code=x", "state=&code=x", f"state={state}%00&code=x"):
        refused = wechat_env.client.get(f"/api/wechat/callback?{query}", follow_redirects=False)
        assert refused.status_code == 400 and any("\u4e00" <= c <= "\u9fff" for c in refused.text)
    huge_code = come_back(wechat_env, address.replace("code=", "code=" + "9" * 20000))
    assert huge_code.status_code == 400  # cut to 256 characters: WeChat calls it invalid
    assert all(len(query["code"]) <= 256 for query in fake.exchange_queries)
