"""A real year goes live by following README.md and PUBLISHING.md step by step.

From ``git init --bare``: install the hooks, push a real year written for the test, let the
daily publish bring out the publicity notice, vote on the phone ballot through a fake Alibaba
Cloud SMS endpoint, file an objection and decide it in the console, back up, restore into a
fresh PostgreSQL database and data folder, and find nothing different. The service runs with
production settings on PostgreSQL and Redis, and ``szmqa doctor`` passes them first.
Each phase's time is printed (``-s``): figures, never assertions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from award.moments import SHANGHAI
from szmqa.doctor import diagnose
from tests.cli.git_server import SITE_URL, make_server
from tests.factories import (
    IMAGE_ANSWER,
    NAME,
    PDF,
    Clock,
    build_app,
    csrf_of,
    enrol,
    individual,
)
from tests.project_copy import szmqa
from tests.real_year import write_real_year
from tests.voting.sms.fake_endpoint import FakeEndpoint, Reply
from vote_api.console import totp
from vote_api.console.models import Role
from vote_api.core.auth import create_token
from vote_api.core.settings import Settings
from vote_api.core.state import core_state
from vote_api.tables import TABLES

BALLOT = "2026-culture"
NOTICE = "2026-11-16-publicity"
VOTE_DAY = datetime(2026, 10, 13, 10, 0, tzinfo=SHANGHAI)
PUBLICITY_DAY = datetime(2026, 11, 17, 10, 0, tzinfo=SHANGHAI)
PHONE = "13912345678"
KEYS = {"secret_key": "go-live-secret-" + "s" * 40, "encryption_key": "go-live-seal-" + "e" * 40}
HTTPS = "https://szmqa.example.test"
#: Rows a running service changes by itself (its presence, sessions): not the data compared.
VOLATILE = {"service_keys", "staff_session"}


class Phases:
    """Wall-clock seconds per phase, printed at the end."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - started

    def report(self) -> str:
        lines = [f"  {name:<36} {value:7.2f} s" for name, value in self.seconds.items()]
        total = sum(self.seconds.values())
        return "\n".join(["go-live phases:", *lines, f"  {'total':<36} {total:7.2f} s"])


@pytest.fixture
def databases(postgres_url: str, redis_url: str) -> Iterator[list[str]]:
    """Two fresh PostgreSQL databases (the live one, the restored one), dropped afterwards."""
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    names = [f"szmqa_golive_{uuid.uuid4().hex[:8]}_{n}" for n in ("live", "restored")]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield [f"{postgres_url.rsplit('/', 1)[0]}/{name}" for name in names]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def sms() -> Iterator[FakeEndpoint]:
    """A fake Alibaba Cloud SMS endpoint that accepts every send."""
    endpoint = FakeEndpoint().start()
    endpoint.reply = Reply(body={"Code": "OK", "Message": "OK", "BizId": "1^0", "RequestId": "R"})
    yield endpoint
    endpoint.stop()


def production(root: Path, publish: Path, database: str, redis: str, sms: str) -> dict[str, Any]:
    """The settings README “部署” lists, for a deployment in ``root``."""
    data = root / "var"
    data.mkdir(parents=True, mode=0o700)
    return {
        "environment": "production",
        "database_url": database,
        "ratelimit_storage_uri": redis,
        "site_dir": publish / "current" / "site",
        "content_dir": publish / "current" / "content",
        "publish_dir": publish,
        "site_url": SITE_URL,
        "data_dir": data,
        "sms_kind": "aliyun",
        "sms_access_key_id": "LTAI-go-live",
        "sms_access_key_secret": "go-live-secret",
        "sms_sign_name": "深圳市市长质量奖",
        "sms_template_id": "SMS_000001",
        "sms_endpoint": sms,
        **KEYS,
    }


def as_environment(values: dict[str, Any]) -> dict[str, str]:
    """The same settings as SZMQA_* variables (for the szmqa commands)."""
    return {f"SZMQA_{k.upper()}": str(v) for k, v in values.items()} | {"SITE_URL": SITE_URL}


def run_szmqa(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("SZMQA_")} | env
    full.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "szmqa", *args],
        cwd=cwd, env=full, capture_output=True, text=True, check=False,
    )  # fmt: skip


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the volatile ones, in a fixed order."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.__tablename__: sorted(  # type: ignore[attr-defined]
                    tuple(map(repr, row))
                    for row in connection.execute(
                        text(f"SELECT * FROM {table.__tablename__}")  # type: ignore[attr-defined]
                    )
                )
                for table in TABLES
                if table.__tablename__ not in VOLATILE  # type: ignore[attr-defined]
            }
    finally:
        engine.dispose()


def sms_code(endpoint: FakeEndpoint) -> str:
    """The code of the last SMS the fake gateway was asked to send."""
    return str(json.loads(endpoint.received[-1].query["TemplateParam"])["code"])


def vote_by_phone(client: TestClient, endpoint: FakeEndpoint) -> str:
    """Captcha, SMS code, verify, captcha, vote: the receipt."""
    captcha = client.post("/api/captchas", json={"purpose": "sms", "target": BALLOT})
    assert captcha.status_code == 200, captcha.text
    body = {"ballot_id": BALLOT, "phone": PHONE, "captcha_id": captcha.json()["captcha_id"]}
    sent = client.post("/api/phone/codes", json=body | {"captcha_answer": IMAGE_ANSWER})
    assert sent.status_code == 200, sent.text
    assert sent.json().get("console_code") is None  # a real gateway: the code is only in the SMS
    assert endpoint.received[-1].query["PhoneNumbers"] == PHONE
    verified = client.post("/api/phone/verify", json={"phone": PHONE, "code": sms_code(endpoint)})
    assert verified.status_code == 200, verified.text
    candidate = client.get(f"/api/ballots/{BALLOT}").json()["candidates"][0]["id"]
    captcha = client.post("/api/captchas", json={"purpose": "vote", "target": BALLOT})
    vote = client.post(
        f"/api/ballots/{BALLOT}/votes",
        json={
            "captcha_id": captcha.json()["captcha_id"],
            "captcha_answer": IMAGE_ANSWER,
            "candidates": [candidate],
        },
    )
    assert vote.status_code == 201, vote.text
    return str(vote.json()["receipt"])


def file_objection(client: TestClient) -> str:
    captcha = client.post("/api/captchas", json={"purpose": "objection", "target": NOTICE})
    assert captcha.status_code == 200, captcha.text
    form = individual(entrant="E03") | {
        "captcha_id": captcha.json()["captcha_id"],
        "captcha_answer": IMAGE_ANSWER,
    }
    filed = client.post(
        f"/api/notices/{NOTICE}/objections",
        data=form,
        files=[("evidence", ("处罚决定书.pdf", PDF, "application/pdf"))],
    )
    assert filed.status_code == 201, filed.text
    return str(filed.json()["case_number"])


def sign_in(client: TestClient, person: Any, clock: Clock) -> None:
    clock.moment += timedelta(seconds=31)  # a TOTP code is taken once: the next step's
    form = client.get("/admin/sign-in")
    signed = client.post(
        "/admin/sign-in",
        data={
            "csrf": csrf_of(form.text),
            "name": person.name,
            "password": person.password,
            "code": totp.code_at(person.secret, clock()),
        },
    )
    assert signed.status_code == 303, signed.text


def decide_in_console(client: TestClient, number: str) -> None:
    """received → under_review → not_upheld (with the reply) → closed, as a handler does."""
    steps = [
        {"from": "received", "to": "under_review", "note": "已受理，函询属地监管部门"},
        {
            "from": "under_review",
            "to": "not_upheld",
            "note": "复函未见所述处罚记录",
            "reply": "经核查，未发现所反映的情况，异议不成立。",
        },
        {"from": "not_upheld", "to": "closed", "note": "已答复异议人，办结"},
    ]
    for step in steps:
        page = client.get(f"/admin/objections/{number}")
        assert page.status_code == 200, page.text
        moved = client.post(
            f"/admin/objections/{number}/transitions", data={**step, "csrf": csrf_of(page.text)}
        )
        assert moved.status_code == 303, moved.text


def staff_view(client: TestClient, token: str, number: str, receipt: str) -> dict[str, Any]:
    """What the secretariat reads: tally, the case with the objector, the file, the receipt."""
    headers = {"Authorization": f"Bearer {token}"}
    tally = client.get(f"/api/admin/ballots/{BALLOT}/tally", headers=headers)
    case = client.get(f"/api/admin/objections/{number}", headers=headers)
    assert tally.status_code == 200 and case.status_code == 200, case.text
    detail = case.json()
    files = [
        client.get(f"/api/admin/objections/{number}/files/{f['id']}", headers=headers).content
        for f in detail["files"]
    ]
    checked = client.post("/api/receipts", json={"code": receipt}).json()
    return {"tally": tally.json(), "case": detail, "files": files, "receipt": checked}


def test_a_real_year_goes_live_by_the_manuals_and_survives_backup_and_restore(
    tmp_path: Path, databases: list[str], redis_url: str, sms: FakeEndpoint
) -> None:
    phases = Phases()
    with phases("git init --bare + install-hooks"):
        server = make_server(tmp_path / "server")
    with phases("clone, write the year, push"):
        clone = server.clone(tmp_path / "clone")
        write_real_year(clone / "docs")
        pushed = server.push(clone, "2026 年度", now=VOTE_DAY.isoformat())
        assert "(exit 0)" in pushed, pushed
    assert (server.root / "current" / "site" / "notices").is_dir()
    values = production(tmp_path / "live", server.root, databases[0], redis_url, sms.url)
    settings = Settings(**values)
    with phases("szmqa doctor"):
        blockers = [f.text for f in diagnose(settings, now=VOTE_DAY) if f.blocker]
    assert blockers == []
    clock = Clock(VOTE_DAY)
    app = build_app(settings, clock)
    with TestClient(app, base_url=HTTPS, follow_redirects=False) as client:
        with phases("phone vote (SMS via Alibaba fake)"):
            receipt = vote_by_phone(client, sms)
        clock.moment = PUBLICITY_DAY
        with phases("daily publish (publicity day)"):
            scheduled = szmqa(
                "publish", "--scheduled", "--root", str(server.root), cwd=tmp_path,
                now=PUBLICITY_DAY.isoformat(),
            )  # fmt: skip
            assert scheduled.returncode == 0, scheduled.stderr
        page = (server.root / "current" / "site" / "notices").rglob("*.html")
        assert any("拟奖名单公示" in p.read_text(encoding="utf-8") for p in page)
        with phases("objection filed"):
            number = file_objection(client)
        handler = enrol(app, "办理甲", Role.HANDLER, clock())
        with phases("console: sign in, decide"):
            sign_in(client, handler, clock)
            decide_in_console(client, number)
        with core_state(app).db.session() as session:
            token = create_token(session, "备份核对", clock())
        before = staff_view(client, token, number, receipt)
        assert before["case"]["status"] == "closed" and before["case"]["reporter"]["name"]
        assert before["files"] == [PDF] and before["receipt"]["counted"] is True
        live_rows = snapshot(databases[0])
        env = as_environment(values)
        out = tmp_path / "backup" / "szmqa-2026-11-17.tar.gz"
        with phases("szmqa backup"):
            made = run_szmqa("backup", str(out), cwd=tmp_path, env=env)
            assert made.returncode == 0, made.stderr
    fresh = production(tmp_path / "restored", server.root, databases[1], redis_url, sms.url)
    with phases("szmqa restore (fresh place)"):
        restored = run_szmqa(
            "restore", str(out), "--keys", f"{out}.keys.json", cwd=tmp_path,
            env=as_environment(fresh),
        )  # fmt: skip
        assert restored.returncode == 0, restored.stderr
    assert snapshot(databases[1]) == live_rows  # every row, of every table
    app = build_app(Settings(**fresh), clock)
    restored_client = TestClient(app, base_url=HTTPS, follow_redirects=False)
    with restored_client as client, phases("restored: console and API"):
        after = staff_view(client, token, number, receipt)
        sign_in(client, handler, clock)  # the authenticator secret opens with the keys
        page = client.get(f"/admin/objections/{number}")
        assert page.status_code == 200 and "已办结" in page.text and NAME not in page.text
        shown = client.post(f"/admin/objections/{number}/reveal", data={"csrf": csrf_of(page.text)})
        assert shown.status_code == 200 and NAME in shown.text  # the objector, decrypted
    assert after == before
    print("\n" + phases.report())
