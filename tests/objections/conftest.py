"""An app per test over the demo award year, with the clock and captcha answers injected."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import select
from starlette.testclient import TestClient

from award.moments import SHANGHAI
from tests.conftest import Clock
from vote_api.core.auth import create_token
from vote_api.core.settings import Settings
from vote_api.core.state import core_state
from vote_api.main import create_app
from vote_api.objections.models import ObjectionCase, ObjectionFile

ROOT = Path(__file__).resolve().parents[2]
NOTICE = "demo-2026-11-23-publicity"
#: Inside the demo notice's window (2026-11-23 to 11-27).
OPEN_NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
ANSWER = "ACDEF"
#: GB 11643's own example number (valid check digit X).
ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"
NAME = "张异议人"
KiB = 1024
PDF = b"%PDF-1.4\n% evidence EVIDENCE-MARKER-7f3a penalty decision scan\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"PNG-MARKER-91c2"
LETTER_PDF = b"%PDF-1.7\n% sealed letter LETTER-MARKER-55d0\n%%EOF\n"


@dataclass
class Env:
    """One app, its client, its settings and its clock."""

    app: FastAPI
    client: TestClient
    settings: Settings
    clock: Clock
    root: Path
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def upload_dir(self) -> Path:
        return self.settings.objection_upload_path

    def captcha(self, notice: str = NOTICE) -> str:
        """Issue an objection captcha for the notice; its answer is ANSWER."""
        response = self.client.post(
            "/api/captchas", json={"purpose": "objection", "target": notice, "kind": "image"}
        )
        assert response.status_code == 200, response.text
        return response.json()["captcha_id"]

    def file(
        self,
        data: dict[str, Any] | None = None,
        files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
        notice: str = NOTICE,
        captcha: bool = True,
    ) -> Any:
        """POST an objection (an individual's valid one unless ``data`` overrides it)."""
        form = individual() if data is None else data
        if captcha and "captcha_id" not in form:
            form = {**form, "captcha_id": self.captcha(notice), "captcha_answer": ANSWER}
        return self.client.post(
            f"/api/notices/{notice}/objections",
            data=form,
            files=files
            if files is not None
            else [("evidence", ("处罚决定书.pdf", PDF, "application/pdf"))],
        )

    def admin(self, name: str = "secretariat") -> dict[str, str]:
        """Authorization headers of an admin token (created once per name)."""
        if name not in self.tokens:
            with core_state(self.app).db.session() as session:
                self.tokens[name] = create_token(session, name, self.clock())
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def cases(self) -> list[ObjectionCase]:
        with core_state(self.app).db.session() as session:
            return list(session.exec(select(ObjectionCase)).all())

    def file_rows(self) -> list[ObjectionFile]:
        with core_state(self.app).db.session() as session:
            return list(session.exec(select(ObjectionFile)).all())

    def stored_files(self) -> list[Path]:
        return sorted(p for p in self.upload_dir.iterdir()) if self.upload_dir.exists() else []

    def assert_nothing_stored(self) -> None:
        """A refused objection leaves no case, no file record and no file."""
        assert self.cases() == []
        assert self.file_rows() == []
        assert self.stored_files() == []


def individual(**overrides: Any) -> dict[str, Any]:
    """A valid individual's objection form."""
    form: dict[str, Any] = {
        "entrant": "E03",
        "reason": ["safety", "penalty"],
        "statement": "该单位于2025年发生较大安全生产责任事故，已被应急管理部门处罚，附处罚决定书。",
        "reporter_kind": "individual",
        "name": NAME,
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "email": "reporter@example.com",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def organisation(**overrides: Any) -> dict[str, Any]:
    """A valid organisation's objection form (its letter goes in the files)."""
    form: dict[str, Any] = {
        "entrant": "EC01",
        "reason": ["environment"],
        "statement": "该项目实施单位近3年有环保严重失信行为记录，详见所附材料。",
        "reporter_kind": "organisation",
        "organisation": "深圳市某某环保协会",
        "contact": "李联系",
        "phone": "13800138000",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def make_settings(root: Path, demo_dir: Path, **overrides: Any) -> Settings:
    """Settings for a test app in ``root``: small limits, no rate limits unless asked."""
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{root / 'db' / 'szmqa.db'}",
        "data_dir": root / "var",
        "content_dir": ROOT / "docs",
        "demo_dir": demo_dir,
        "ratelimit_enabled": False,
        "objection_max_files": 3,
        "objection_max_file_bytes": 256 * KiB,
        "objection_max_request_bytes": 1024 * KiB,
        "objection_text_max_chars": 2000,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def make_env(tmp_path: Path, demo_dir: Path) -> Iterator[Any]:
    """Build an Env: ``make_env(now=..., **settings)``."""
    opened: list[TestClient] = []

    def make(now: datetime = OPEN_NOW, **overrides: Any) -> Env:
        root = tmp_path / f"app{len(opened)}"
        settings = make_settings(root, demo_dir, **overrides)
        clock = Clock(now)
        app = create_app(settings, clock=clock, captcha_answers=lambda kind: ANSWER)
        client = TestClient(app)
        client.__enter__()
        opened.append(client)
        return Env(app=app, client=client, settings=settings, clock=clock, root=root)

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def env(make_env: Any) -> Env:
    """An app at OPEN_NOW with the test limits."""
    return make_env()
