"""Cookies: a forged or tampered phone session is refused, and only a trusted proxy's word that
the client used https gives a cookie its Secure flag."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path

from starlette.testclient import TestClient

from tests.factories import CULTURE, IMAGE_ANSWER, PHONE, Apps, Env, phone_content
from tests.voting.phone_flow import OTHER_PHONE, verify
from vote_api.console.sessions import FORM_COOKIE
from vote_api.core.cookies import SignedValue
from vote_api.voting.proofs.device import COOKIE_NAME as VOTER_COOKIE
from vote_api.voting.proofs.phone.session import COOKIE_NAME as PHONE_COOKIE

HTTPS = {"X-Forwarded-Proto": "https"}


def _decoded(payload: str) -> list[object]:
    return list(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def _encoded(body: list[object]) -> str:
    raw = json.dumps(body, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _refused(env: Env, value: str) -> bool:
    """Whether a vote with this phone-session cookie (sent as raw bytes) is refused as unverified."""
    cookie = {"cookie": f"{PHONE_COOKIE}={value}".encode("latin-1")}
    body = {
        "captcha_id": env.captcha(CULTURE),
        "captcha_answer": IMAGE_ANSWER,
        "candidates": [env.candidate(CULTURE)],
    }
    response = env.client.post(f"/api/ballots/{CULTURE}/votes", json=body, headers=cookie)
    standing = env.client.get(f"/api/ballots/{CULTURE}/standing", headers=cookie).json()
    return (
        response.status_code == 401
        and response.json()["code"] == "phone_not_verified"
        and standing["phone_verified"] is False
    )


def test_cookies_a_forged_or_tampered_phone_session_is_refused(phone_env: Env) -> None:
    assert verify(phone_env.client).status_code == 200
    genuine = phone_env.client.cookies.get(PHONE_COOKIE, path="/api")
    assert genuine is not None
    payload, signature = genuine.split(".")
    key, segment, block, special, until = _decoded(payload)
    voter = phone_env.client.cookies.get(VOTER_COOKIE, path="/api")
    forgeries = {
        "another number's key": f"{_encoded([key[::-1], segment, block, special, until])}.{signature}",
        "a longer session": f"{_encoded([key, segment, block, special, '2099-01-01T00:00:00+08:00'])}.{signature}",
        "a refused segment hidden": f"{_encoded([key, segment, block, not special, until])}.{signature}",
        "signed with another secret": SignedValue(b"x" * 48, "phone-session").sign(payload),
        "the voter cookie's value": voter or "",
        "no signature": payload,
        "two signatures": f"{genuine}.{signature}",
        "not even text": "\xe9\xff.\xe9",
    }
    refused = {name: _refused(phone_env, value) for name, value in forgeries.items()}
    assert refused == dict.fromkeys(forgeries, True)
    assert not _refused(phone_env, genuine)  # the genuine session still votes


def test_cookies_an_expired_phone_session_is_refused(phone_env: Env) -> None:
    assert verify(phone_env.client).status_code == 200
    phone_env.clock.moment += timedelta(minutes=30, seconds=1)
    response = phone_env.vote(CULTURE)
    assert response.status_code == 401 and response.json()["code"] == "phone_not_verified"


def _cookie_flags(client: TestClient, number: str) -> dict[str, bool]:
    """Whether the voter, phone-session and console form cookies come back Secure."""
    captcha = client.post("/api/captchas", json={"purpose": "vote", "target": CULTURE})
    phone = verify(client, number)
    form = client.get("/admin/sign-in")
    secure = {}
    for name, response in ((VOTER_COOKIE, captcha), (PHONE_COOKIE, phone), (FORM_COOKIE, form)):
        cookie = response.headers["set-cookie"]
        assert cookie.startswith(f"{name}="), cookie
        secure[name] = "secure" in cookie.lower()
    return secure


def test_cookies_an_untrusted_forwarded_proto_changes_nothing(
    make_env: Apps, demo_dir: Path, tmp_path: Path
) -> None:
    content = phone_content(demo_dir, tmp_path / "content")
    env = make_env(demo_dir=content, trusted_proxies="10.0.0.0/8")
    forged = TestClient(env.app, client=("203.0.113.9", 40000), headers=HTTPS)
    assert _cookie_flags(forged, PHONE) == dict.fromkeys(
        (VOTER_COOKIE, PHONE_COOKIE, FORM_COOKIE), False
    )
    proxied = TestClient(env.app, client=("10.0.0.5", 40000), headers=HTTPS)
    assert _cookie_flags(proxied, OTHER_PHONE) == dict.fromkeys(
        (VOTER_COOKIE, PHONE_COOKIE, FORM_COOKIE), True
    )
