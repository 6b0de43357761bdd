"""``szmqa doctor`` and the production start: every blocker is found, named and given its fix.

The good set-up is a real one: a ``git init --bare`` set up by ``szmqa install-hooks``, a
phone ballot still to come with a complete Alibaba Cloud gateway, closed data folders and key
files. Each test breaks one thing and expects exactly that blocker.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from award.moments import SHANGHAI
from szmqa.doctor import diagnose
from szmqa.doctor_checks import Finding
from tests.cli.git_server import SITE_URL, Server, git, make_server
from tests.content_files import valid_year, write_content
from tests.factories import ROOT, free_port, migrated_sqlite
from vote_api.core.settings import Settings

BEFORE_VOTE = datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)  # the phone ballot is upcoming
AFTER_VOTE = datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)
KEYS = {"secret_key": "s" * 40, "encryption_key": "e" * 40}
ALIYUN = {
    "sms_kind": "aliyun",
    "sms_access_key_id": "LTAI-test",
    "sms_access_key_secret": "secret",
    "sms_sign_name": "深圳市市场监管局",
    "sms_template_id": "SMS_000001",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Server:
    """One publishing repository set up as the manual says."""
    return make_server(tmp_path_factory.mktemp("doctor"))


@pytest.fixture
def good(tmp_path: Path, server: Server) -> dict[str, Any]:
    """The settings of a set-up with no blocker."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    database = migrated_sqlite(data / "szmqa.db")
    (data / "szmqa.db").chmod(0o600)
    content = write_content(tmp_path / "docs", year_with("phone"))
    return {
        "environment": "production",
        "database_url": database,
        "data_dir": data,
        "content_dir": content,
        "publish_dir": server.root,
        "site_url": SITE_URL,
        **KEYS,
        **ALIYUN,
    }


def year_with(identity: str) -> dict[str, Any]:
    """The valid year whose ballot (2026-11-16 to 20) proves voters this way."""
    year = valid_year()
    year["ballots"][0]["identity"] = identity
    return year


def blockers(values: dict[str, Any], now: datetime = BEFORE_VOTE, **kwargs: Any) -> list[str]:
    findings: list[Finding] = diagnose(Settings(**values), now=now, **kwargs)
    return [f"{f.text} | {f.fix}" for f in findings if f.blocker]


def test_doctor_passes_a_good_set_up(good: dict[str, Any]) -> None:
    assert blockers(good) == []


def test_doctor_blocks_the_console_gateway_while_a_phone_ballot_is_to_come(
    good: dict[str, Any],
) -> None:
    found = blockers(good | {"sms_kind": "console"})
    assert len(found) == 1 and "console" in found[0] and "2026-culture" in found[0]
    assert "SZMQA_SMS_KIND=aliyun" in found[0]
    assert blockers(good | {"sms_kind": "console"}, now=AFTER_VOTE) == []  # the vote is over
    write_content(good["content_dir"], year_with("device"))
    assert blockers(good | {"sms_kind": "console"}) == []


def test_doctor_blocks_a_gateway_missing_a_setting(good: dict[str, Any]) -> None:
    found = blockers(good | {"sms_template_id": ""})
    assert len(found) == 1 and "SZMQA_SMS_TEMPLATE_ID" in found[0]
    found = blockers(good | {"sms_kind": "tencent"})
    assert len(found) == 1 and "SZMQA_SMS_APP_ID" in found[0]


@pytest.mark.parametrize("url", ["", "http://127.0.0.1:8000/", "http://localhost/"])
def test_doctor_blocks_an_unset_or_loopback_site_url(
    good: dict[str, Any], server: Server, url: str
) -> None:
    git("config", "szmqa.siteUrl", url, cwd=server.bare, home=server.home)
    try:
        found = blockers(good | {"site_url": url})
    finally:
        git("config", "szmqa.siteUrl", SITE_URL, cwd=server.bare, home=server.home)
    assert any("SITE_URL" in line and "--site-url" in line for line in found), found


def test_doctor_blocks_key_files_readable_by_others(good: dict[str, Any], tmp_path: Path) -> None:
    env_file = tmp_path / "szmqa.env"
    env_file.write_text("SZMQA_SECRET_KEY=…\n", encoding="utf-8")
    env_file.chmod(0o644)
    found = blockers(good, env_file=env_file)
    assert found == [
        f"环境文件（含密钥） {env_file} 的权限为 644，其他账户可以读取密钥 | chmod 600 {env_file}"
    ]
    env_file.chmod(0o600)
    assert blockers(good, env_file=env_file) == []
    key_file = good["data_dir"] / "keys.json"
    key_file.write_text("{}", encoding="utf-8")
    key_file.chmod(0o640)
    assert [line for line in blockers(good) if f"chmod 600 {key_file}" in line]
    assert blockers(good, env_file=tmp_path / "absent.env")  # named but missing


def test_doctor_blocks_missing_keys_in_production(good: dict[str, Any], tmp_path: Path) -> None:
    env = {f"SZMQA_{k.upper()}": str(v) for k, v in good.items() if k not in KEYS}
    ran = szmqa_doctor(env, tmp_path)
    assert ran.returncode == 1
    assert "SZMQA_SECRET_KEY 或 SZMQA_ENCRYPTION_KEY 未设置" in ran.stdout
    assert "secrets.token_urlsafe(48)" in ran.stdout and "Traceback" not in ran.stderr
    assert "1 项阻止上线" in ran.stdout


def test_doctor_blocks_data_readable_by_others(good: dict[str, Any]) -> None:
    good["data_dir"].chmod(0o755)
    found = blockers(good)
    assert len(found) == 1 and f"chmod 700 {good['data_dir']}" in found[0]
    good["data_dir"].chmod(0o700)
    (good["data_dir"] / "szmqa.db").chmod(0o644)
    found = blockers(good)
    assert len(found) == 1 and "数据库文件" in found[0] and "chmod 600" in found[0]


def test_doctor_blocks_several_workers_counting_alone(good: dict[str, Any]) -> None:
    found = blockers(good | {"workers": 2})
    assert len(found) == 1 and "SZMQA_RATELIMIT_STORAGE_URI=redis://" in found[0]
    shared = good | {"workers": 2, "ratelimit_storage_uri": "redis://127.0.0.1/8"}
    assert blockers(shared) == []
    warned = [f.text for f in diagnose(Settings(**shared), now=BEFORE_VOTE) if not f.ok]
    assert any("SZMQA_TRUSTED_PROXIES" in text for text in warned)  # behind nginx: one address
    with pytest.MonkeyPatch.context() as patch:  # uvicorn's own variable counts too
        patch.setenv("WEB_CONCURRENCY", "4")
        assert Settings(**KEYS).workers == 4


def test_doctor_blocks_a_missing_publish_folder(good: dict[str, Any], tmp_path: Path) -> None:
    found = blockers(good | {"publish_dir": None})
    assert len(found) == 1 and "SZMQA_PUBLISH_DIR" in found[0]
    found = blockers(good | {"publish_dir": tmp_path / "elsewhere"})
    assert len(found) == 1 and "szmqa install-hooks" in found[0]


def test_doctor_blocks_another_branch_or_a_missing_hook(
    good: dict[str, Any], server: Server
) -> None:
    git("symbolic-ref", "HEAD", "refs/heads/master", cwd=server.bare, home=server.home)
    try:
        found = blockers(good)
    finally:
        git("symbolic-ref", "HEAD", "refs/heads/main", cwd=server.bare, home=server.home)
    assert len(found) == 1 and "refs/heads/master" in found[0] and "install-hooks" in found[0]
    hook = server.bare / "hooks" / "pre-receive"
    hook.rename(hook.with_suffix(".off"))
    try:
        found = blockers(good)
    finally:
        hook.with_suffix(".off").rename(hook)
    assert len(found) == 1 and "pre-receive" in found[0]


def szmqa_doctor(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("SZMQA_")}
    full |= env | {"PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "szmqa", "doctor"],
        cwd=cwd, env=full, capture_output=True, text=True, check=False,
    )  # fmt: skip


def environment(values: dict[str, Any]) -> dict[str, str]:
    return {f"SZMQA_{k.upper()}": str(v) for k, v in values.items() if v is not None}


def test_doctor_command_exits_0_on_a_good_set_up_and_1_on_a_blocker(
    good: dict[str, Any], tmp_path: Path
) -> None:
    ran = szmqa_doctor(environment(good), tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "没有阻止上线的问题" in ran.stdout
    ran = szmqa_doctor(environment(good | {"workers": 3}), tmp_path)
    assert ran.returncode == 1 and "✗ 阻止上线" in ran.stdout and "修正：" in ran.stdout


def test_production_start_refuses_on_a_blocker_and_stops_every_worker(
    good: dict[str, Any], tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SZMQA_")}
    env |= environment(good | {"site_url": "http://127.0.0.1:8000/"}) | {"PYTHONPATH": str(ROOT)}
    env.pop("SITE_URL", None)
    server = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "--factory", "vote_api.main:app_from_environment",
            "--host", "127.0.0.1", "--port", str(free_port()), "--workers", "2",
            "--no-access-log", "--no-proxy-headers",
        ],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _out, err = server.communicate(timeout=90)
    finally:
        server.kill()
    assert "服务未启动：上线检查发现阻止上线的问题" in err
    assert "SITE_URL 为本机地址" in err and "Traceback" not in err
    assert "died" not in err  # stopped, not restarted


def test_doctor_warns_of_a_ballot_log_named_after_this_machine(good: dict[str, Any]) -> None:
    def warned(values: dict[str, Any]) -> list[str]:
        findings = diagnose(Settings(**values), now=BEFORE_VOTE)
        return [f.text for f in findings if not f.ok and "SZMQA_LOG_NAME" in f.text]

    assert warned(good) != []  # the default, localhost/szmqa
    assert warned({**good, "log_name": "szmqa.example.gov.cn/szmqa"}) == []
    assert blockers(good) == []  # a warning: the service still starts
