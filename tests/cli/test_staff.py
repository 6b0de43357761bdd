"""``szmqa staff``: accounts from the command line, and the demo account of ``serve --demo``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from szmqa import cli
from szmqa.cli import main
from vote_api.console.models import Staff
from vote_api.core.audit import AuditEntry
from vote_api.core.db import Database
from vote_api.core.settings import Settings
from vote_api.main import create_app

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"http://\S+/admin/enrol/[A-Za-z0-9_-]+")


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/szmqa.db"
    monkeypatch.setenv("SZMQA_DATABASE_URL", url)
    monkeypatch.setenv("SZMQA_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("SZMQA_CONTENT_DIR", str(ROOT / "docs"))
    return url


def _rows(url: str) -> list[Staff]:
    database = Database(url)
    try:
        with database.session() as session:
            return list(session.exec(select(Staff).order_by(Staff.name)).all())
    finally:
        database.close()


def test_cli_staff_add_list_reset_and_disable(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["staff", "add", "陈办理", "--role", "办理人"]) == 0
    first = LINK.search(capsys.readouterr().out)
    assert first is not None
    app = create_app(Settings(database_url=database_url, data_dir=tmp_path / "var"))
    with TestClient(app) as client:
        path = first.group(0).split("8000", 1)[1]
        assert client.get(path).status_code == 200
        assert main(["staff", "add", "陈办理", "--role", "observer"]) == 1
        assert "已有名为“陈办理”的账户" in capsys.readouterr().out
        with pytest.raises(SystemExit) as refused:
            main(["staff", "add", "某人", "--role", "局长"])
        assert refused.value.code == 2
        assert "没有“局长”这个角色" in capsys.readouterr().err
        assert main(["staff", "list"]) == 0
        assert "陈办理\t办理人\t待设置" in capsys.readouterr().out
        assert main(["staff", "reset-2fa", "陈办理", "--base-url", "https://szmqa.example"]) == 0
        out = capsys.readouterr().out
        assert "https://szmqa.example/admin/enrol/" in out
        assert client.get(path).status_code == 404  # the first link no longer opens
        assert main(["staff", "disable", "陈办理"]) == 0
        assert main(["staff", "disable", "陈办理"]) == 1
        assert main(["staff", "disable", "没有的人"]) == 1
        assert "没有名为“没有的人”的账户" in capsys.readouterr().out
        main(["staff", "list"])
        assert "已停用" in capsys.readouterr().out
    [person] = _rows(database_url)
    assert person.disabled_at is not None and person.role == "handler"
    database = Database(database_url)
    with database.session() as session:
        actions = session.exec(
            select(AuditEntry.action).where(AuditEntry.actor == "szmqa staff")
        ).all()
    database.close()
    assert actions == ["staff.add", "staff.reset_2fa", "staff.disable"]


def _serve(argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Run ``szmqa serve`` without building the site or starting uvicorn."""
    import uvicorn

    started: list[Any] = []
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    monkeypatch.setattr(cli, "build_site", lambda site_dir, demo_dir: None)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: started.append(app))
    assert main(["serve", "--site", str(site), "--demo-dir", str(tmp_path / "demo"), *argv]) == 0
    return started


def test_cli_serve_demo_prints_the_console_and_a_demo_account_production_creates_none(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _serve([], tmp_path, monkeypatch)
    out = capsys.readouterr().out
    assert "秘书处工作台：http://127.0.0.1:8000/admin/" in out
    assert "演示账户" not in out and _rows(database_url) == []
    started = _serve(["--demo", "--port", "8123"], tmp_path, monkeypatch)
    out = capsys.readouterr().out
    link = LINK.search(out)
    assert link is not None and link.group(0).startswith("http://127.0.0.1:8123/admin/enrol/")
    assert "演示管理员" in out
    with TestClient(started[0]) as client:
        page = client.get(link.group(0).split("8123", 1)[1])
        assert page.status_code == 200 and "演示环境" in page.text
    [demo] = _rows(database_url)
    assert demo.name == "演示管理员" and demo.role == "admin"
    _serve(["--demo"], tmp_path, monkeypatch)  # a second start renews the link
    assert len(_rows(database_url)) == 1
