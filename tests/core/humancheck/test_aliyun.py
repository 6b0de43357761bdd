"""Alibaba Cloud Captcha 2.0 guarding objections and SMS codes: the real SDK against a local
fake that checks the ACS3-HMAC-SHA256 signature; the page's CaptchaVerifyParam goes unchanged."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

import pytest
from sqlalchemy import text

from tests.core.humancheck.vendors import (
    ALIYUN_ID,
    ALIYUN_SCENE,
    ALIYUN_SECRET,
    aliyun_answer,
    aliyun_settings,
)
from tests.factories import CULTURE, Apps, Env, individual, phone_content
from tests.voting.phone_flow import PHONE
from tests.voting.sms.fake_endpoint import FakeEndpoint, Reply, acs3_signature_valid
from vote_api.core.state import core_state

#: What the widget's success callback gives the page: a JSON text, sent on as it is.
PARAM = json.dumps(
    {
        "sceneId": ALIYUN_SCENE,
        "certifyId": "nN2fX7Ab9c",
        "deviceToken": "V0VCI0" + "q" * 600,
        "data": "签名/数据+==",
    },
    ensure_ascii=False,
)


def _count(env: Env, table: str) -> int:
    with core_state(env.app).db.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _file(env: Env, param: str = PARAM) -> Any:
    return env.file({**individual(), "captcha_id": param, "captcha_answer": "aliyun"})


def test_aliyun_an_objection_passes_with_the_param_unchanged_and_once(
    make_objection_env: Apps, endpoint: FakeEndpoint, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    env = make_objection_env(**aliyun_settings(endpoint, "objection"))
    endpoint.reply = Reply(body=aliyun_answer(True, "T001"))
    filed = _file(env)
    assert filed.status_code == 201, filed.text
    [asked] = endpoint.received
    assert acs3_signature_valid(asked, ALIYUN_ID, ALIYUN_SECRET)
    assert not acs3_signature_valid(asked, ALIYUN_ID, "another-secret")
    assert asked.headers["x-acs-action"] == "VerifyIntelligentCaptcha"
    assert asked.headers["x-acs-version"] == "2023-03-05"
    form = parse_qs(asked.body.decode())
    assert form == {"CaptchaVerifyParam": [PARAM], "SceneId": [ALIYUN_SCENE]}
    replayed = _file(env)
    assert replayed.status_code == 400 and replayed.json()["code"] == "captcha_invalid"
    assert len(endpoint.received) == 1 and len(env.cases()) == 1
    assert "deviceToken" not in caplog.text and "nN2fX7Ab9c" not in caplog.text


def test_aliyun_the_param_may_come_in_the_headers_before_the_files(
    make_objection_env: Apps, endpoint: FakeEndpoint
) -> None:
    env = make_objection_env(**aliyun_settings(endpoint, "objection"))
    endpoint.reply = Reply(body=aliyun_answer(True, "T001"))
    filed = env.client.post(
        "/api/notices/demo-2026-11-23-publicity/objections",
        data=individual(),
        files=[("evidence", ("处罚决定书.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"))],
        headers={"X-Captcha-Id": quote(PARAM, safe=""), "X-Captcha-Answer": "aliyun"},
    )
    assert filed.status_code == 201, filed.text
    assert parse_qs(endpoint.received[0].body.decode())["CaptchaVerifyParam"] == [PARAM]


@pytest.mark.parametrize(
    ("reply", "status", "refusal"),
    [
        (Reply(body=aliyun_answer(False, "F001")), 400, "captcha_wrong"),
        (Reply(body=aliyun_answer(False, "F004")), 400, "captcha_wrong"),  # forged
        (Reply(body=aliyun_answer(False, "F006")), 400, "captcha_wrong"),  # reused
        (Reply(body=aliyun_answer(False, "T005")), 400, "captcha_expired"),
        (Reply(body=aliyun_answer(True, "T002")), 503, "human_check_unavailable"),  # unknown
        (
            Reply(status=403, body={"Code": "InvalidAccessKeyId.NotFound", "Message": "x"}),
            503,
            "human_check_unavailable",
        ),
        (Reply(status=500, body={"Code": "InternalError"}), 503, "human_check_unavailable"),
        (Reply(body={"RequestId": "r", "Success": True}), 503, "human_check_unavailable"),
        (Reply(body=aliyun_answer(True, "T001"), delay=3.0), 503, "human_check_unavailable"),
    ],
)
def test_aliyun_a_refused_or_unverifiable_param_stores_nothing(
    make_objection_env: Apps, endpoint: FakeEndpoint, reply: Reply, status: int, refusal: str
) -> None:
    env = make_objection_env(
        **aliyun_settings(endpoint, "objection", human_check_timeout_seconds=1.0)
    )
    endpoint.reply = reply
    refused = _file(env)
    assert (refused.status_code, refused.json()["code"]) == (status, refusal), refused.text
    env.assert_nothing_stored()


def test_aliyun_guards_the_sms_code_while_votes_keep_the_builtin_captcha(
    make_env: Apps, endpoint: FakeEndpoint, demo_dir: Path, tmp_path: Path
) -> None:
    content = phone_content(demo_dir, tmp_path / "content")
    env = make_env(demo_dir=content, **aliyun_settings(endpoint, "sms"))
    body = {"ballot_id": CULTURE, "phone": PHONE, "captcha_id": PARAM, "captcha_answer": "aliyun"}
    endpoint.reply = Reply(body=aliyun_answer(False, "F001"))
    refused = env.client.post("/api/phone/codes", json=body)
    assert refused.status_code == 400 and _count(env, "sms_code") == 0
    endpoint.reply = Reply(body=aliyun_answer(True, "T001"))
    fresh = PARAM.replace("nN2fX7Ab9c", "second")
    sent = env.client.post("/api/phone/codes", json={**body, "captcha_id": fresh})
    assert sent.status_code == 200, sent.text
    assert _count(env, "sms_code") == 1 and len(endpoint.received) == 2
    # The vote's captcha is still the service's own: issued here, not on the vendor's page.
    issued = env.client.post("/api/captchas", json={"purpose": "vote", "target": CULTURE})
    assert issued.status_code == 200
    on_page = env.client.post("/api/captchas", json={"purpose": "sms", "target": CULTURE})
    assert on_page.status_code == 400 and on_page.json()["code"] == "human_check_on_page"
