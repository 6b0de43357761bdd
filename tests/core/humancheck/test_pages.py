"""Which check each action uses, as the pages learn it; the one external load and its CSP."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.humancheck.vendors import (
    ALIYUN_PREFIX,
    ALIYUN_SCENE,
    TENCENT_APP_ID,
    aliyun_settings,
    tencent_settings,
)
from tests.factories import Apps
from tests.voting.sms.fake_endpoint import FakeEndpoint

TENCENT_HOST = "https://turing.captcha.qcloud.com"
ALIYUN_HOST = "https://o.alicdn.com"


def _site(root: Path) -> Path:
    for page in ("", "vote/", "objection/", "status/"):
        (root / page).mkdir(parents=True, exist_ok=True)
        (root / page / "index.html").write_text("<!doctype html><title>页</title>", "utf-8")
    return root


def test_pages_builtin_everywhere_by_default_and_no_external_host(
    make_env: Apps, tmp_path: Path
) -> None:
    env = make_env(site_dir=_site(tmp_path / "site"))
    checks = env.client.get("/api/human-checks")
    assert checks.status_code == 200
    assert checks.json() == {
        purpose: {
            "provider": "builtin",
            "script": None,
            "app_id": None,
            "scene_id": None,
            "prefix": None,
        }
        for purpose in ("sms", "vote", "objection")
    }
    for page in ("/", "/vote/", "/objection/"):
        policy = env.client.get(page).headers["content-security-policy"]
        assert "https://" not in policy and "frame-src" not in policy


def test_pages_a_vendor_s_hosts_only_on_the_pages_that_run_its_check(
    make_env: Apps, endpoint: FakeEndpoint, tmp_path: Path
) -> None:
    settings = {
        **tencent_settings(endpoint, "vote", "sms"),
        **aliyun_settings(endpoint, "objection"),
    }
    env = make_env(site_dir=_site(tmp_path / "site"), **settings)
    checks = env.client.get("/api/human-checks").json()
    assert checks["vote"]["provider"] == checks["sms"]["provider"] == "tencent"
    assert checks["vote"]["app_id"] == TENCENT_APP_ID
    assert checks["vote"]["script"] == f"{TENCENT_HOST}/TCaptcha.js"
    assert checks["objection"] == {
        "provider": "aliyun",
        "script": f"{ALIYUN_HOST}/captcha-frontend/aliyunCaptcha/AliyunCaptcha.js",
        "app_id": None,
        "scene_id": ALIYUN_SCENE,
        "prefix": ALIYUN_PREFIX,
    }
    assert "secret" not in str(checks).lower() and "key" not in str(checks).lower()
    vote = env.client.get("/vote/").headers["content-security-policy"]
    objection = env.client.get("/objection/").headers["content-security-policy"]
    home = env.client.get("/").headers["content-security-policy"]
    status = env.client.get("/status/").headers["content-security-policy"]
    api = env.client.get("/api/human-checks").headers["content-security-policy"]
    assert "script-src 'self'" in vote and TENCENT_HOST in vote and ALIYUN_HOST not in vote
    assert f"frame-src {TENCENT_HOST}" in vote
    assert ALIYUN_HOST in objection and TENCENT_HOST not in objection
    for policy in (home, status, api):
        assert "https://" not in policy


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"human_check_vote": "tencent"}, "SZMQA_TENCENT_CAPTCHA_SECRET_ID"),
        ({"human_check_objection": "aliyun"}, "SZMQA_ALIYUN_CAPTCHA_SCENE_ID"),
        (
            {"human_check_sms": "tencent", "tencent_captcha_app_id": "abc"},
            "SZMQA_TENCENT_CAPTCHA_SECRET_ID",
        ),
    ],
)
def test_pages_a_vendor_without_its_settings_stops_the_start(
    make_env: Apps, settings: dict[str, str], named: str
) -> None:
    with pytest.raises(ValueError, match=named):
        make_env(**settings)


def test_pages_a_tencent_app_id_must_be_its_number(make_env: Apps, endpoint: FakeEndpoint) -> None:
    with pytest.raises(ValueError, match="CaptchaAppId"):
        make_env(**tencent_settings(endpoint, "vote", tencent_captcha_app_id="app-1"))
