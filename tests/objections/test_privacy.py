"""Reporter privacy: encryption at rest, no personal data in logs, purge after retention."""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from award.moments import SHANGHAI
from szmqa.cli import main as szmqa
from tests.factories import (
    ID_NUMBER,
    NAME,
    NOW,
    OBJECTION_SETTINGS,
    PDF,
    PHONE,
    PNG,
    Clock,
    Env,
    build_app,
    individual,
    make_settings,
)
from vote_api.core.crypto import CHUNK_BYTES, Sealer, SealError
from vote_api.core.settings import Settings
from vote_api.main import create_app

STATEMENT = "举报内容：该单位伪造检测报告，证据见附件，我是内部员工王某某。"


def _all_bytes(*folders: Path) -> bytes:
    return b"".join(
        path.read_bytes() for folder in folders for path in folder.rglob("*") if path.is_file()
    )


def test_personal_data_and_files_are_encrypted_at_rest(env: Env) -> None:
    big = b"%PDF-1.5\n" + b"CONFIDENTIAL-EVIDENCE-LINE\n" * 5000  # several sealed chunks
    response = env.file(
        individual(statement=STATEMENT),
        files=[
            ("evidence", ("王某某的举报材料.pdf", big, "application/pdf")),
            ("evidence", ("照片.png", PNG, "image/png")),
            ("evidence", ("决定书.pdf", PDF, "application/pdf")),
        ],
    )
    assert response.status_code == 201, response.text
    key = response.json()["key"]
    stored = _all_bytes(env.root / "db", env.upload_dir)
    assert len(stored) > len(big)  # the scan did see the database and the files
    for secret in (
        ID_NUMBER,
        PHONE,
        NAME,
        "reporter@example.com",
        STATEMENT,
        "王某某的举报材料",
        key,
        key.replace("-", ""),
    ):
        assert secret.encode("utf-8") not in stored, secret
    for content in (b"CONFIDENTIAL-EVIDENCE-LINE", b"EVIDENCE-MARKER-7f3a", b"PNG-MARKER-91c2"):
        assert content not in stored
    # ...and yet the secretariat reads them back.
    number = response.json()["case_number"]
    detail = env.client.get(f"/api/admin/objections/{number}", headers=env.admin()).json()
    assert detail["reporter"]["id_number"] == ID_NUMBER
    big_file = next(f for f in detail["files"] if f["size"] == len(big))
    download = env.client.get(
        f"/api/admin/objections/{number}/files/{big_file['id']}", headers=env.admin()
    )
    assert download.content == big


def test_no_personal_data_in_logs(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    response = env.file(individual(statement=STATEMENT))
    number = response.json()["case_number"]
    env.file(individual(id_number="110105194912310021"))
    env.client.get(f"/api/admin/objections/{number}", headers=env.admin())
    for secret in (ID_NUMBER, PHONE, NAME, STATEMENT, "110105194912310021"):
        assert secret not in caplog.text


def test_purge_after_retention_via_the_cli(
    env: Env, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    closed = env.file().json()
    still_open = env.file().json()
    admin = env.admin()
    closed_on = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    env.clock.moment = closed_on
    for to, reply in (("under_review", None), ("not_upheld", "异议不成立"), ("closed", None)):
        response = env.client.post(
            f"/api/admin/objections/{closed['case_number']}/transitions",
            json={"to": to, "note": f"备注 {NAME}", "reply": reply},
            headers=admin,
        )
        assert response.status_code == 200
    assert len(env.stored_files()) == 2
    monkeypatch.setenv("SZMQA_DATABASE_URL", env.settings.database_url)
    monkeypatch.setenv("SZMQA_DATA_DIR", str(env.settings.data_dir))
    monkeypatch.setenv("SZMQA_OBJECTION_RETENTION_DAYS", "180")

    early = (closed_on + timedelta(days=179)).isoformat()
    assert szmqa(["purge", "--now", early]) == 0
    assert "已清除 0 件" in capsys.readouterr().out
    assert len(env.stored_files()) == 2

    late = (closed_on + timedelta(days=181)).isoformat()
    assert szmqa(["purge", "--now", late, "--dry-run"]) == 0
    assert closed["case_number"] in capsys.readouterr().out
    assert len(env.stored_files()) == 2

    assert szmqa(["purge", "--now", late]) == 0
    out = capsys.readouterr().out
    assert "已清除 1 件" in out and closed["case_number"] in out
    assert still_open["case_number"] not in out
    for secret in (ID_NUMBER, PHONE, NAME):
        assert secret not in out
    assert len(env.stored_files()) == 1  # only the open case's file is left

    detail = env.client.get(f"/api/admin/objections/{closed['case_number']}", headers=admin).json()
    assert detail["purged"] is True
    assert detail["reporter"] is None and detail["statement"] is None and detail["reply"] is None
    assert detail["files"][0]["purged"] is True and detail["files"][0]["name"] is None
    assert all(h["note"] is None for h in detail["history"])
    assert detail["status"] == "closed" and detail["entrant_id"] == "E03"
    gone = env.client.get(
        f"/api/admin/objections/{closed['case_number']}/files/{detail['files'][0]['id']}",
        headers=admin,
    )
    assert gone.status_code == 410
    follow = env.client.get(
        f"/api/objections/{closed['case_number']}", headers={"X-Objection-Key": closed["key"]}
    ).json()
    assert follow["purged"] is True and follow["status"] == "closed"
    kept = env.client.get(
        f"/api/admin/objections/{still_open['case_number']}", headers=admin
    ).json()
    assert kept["reporter"]["id_number"] == ID_NUMBER

    assert szmqa(["purge", "--now", late]) == 0  # nothing left to do, nothing breaks
    assert "已清除 0 件" in capsys.readouterr().out


def test_purge_sweeps_stale_temporary_files(
    env: Env, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = env.upload_dir / ".0123456789abcdef0123456789abcdef.part"
    stale.write_bytes(b"left by a crash")
    old = datetime(2020, 1, 1).timestamp()
    os.utime(stale, (old, old))
    monkeypatch.setenv("SZMQA_DATABASE_URL", env.settings.database_url)
    monkeypatch.setenv("SZMQA_DATA_DIR", str(env.settings.data_dir))
    assert szmqa(["purge"]) == 0
    assert not stale.exists()
    assert "残留" in capsys.readouterr().out


def test_production_refuses_the_default_encryption_key() -> None:
    with pytest.raises(ValueError, match="SZMQA_ENCRYPTION_KEY"):
        Settings(environment="production", secret_key="s" * 40)


def test_upload_folder_inside_the_published_site_is_refused(tmp_path: Path, demo_dir: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    settings = make_settings(
        tmp_path, demo_dir, site_dir=site, objection_upload_dir=site / "uploads"
    )
    with pytest.raises(ValueError, match="must not be inside"):
        create_app(settings)


@pytest.mark.parametrize(
    "size", [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES]
)
def test_sealed_file_round_trip(tmp_path: Path, size: int) -> None:
    sealer = Sealer("k" * 40)
    data = bytes(i % 251 for i in range(size))
    writer = sealer.file_writer(tmp_path / "f", "name")
    for start in range(0, size, 10_000):
        writer.write(data[start : start + 10_000])
    writer.close()
    assert b"".join(sealer.file_chunks(tmp_path / "f", "name")) == data


def test_sealed_file_refuses_truncation_tampering_and_another_key(tmp_path: Path) -> None:
    sealer = Sealer("k" * 40)
    data = b"evidence" * 20_000  # three chunks
    writer = sealer.file_writer(tmp_path / "f", "name")
    writer.write(data)
    writer.close()
    raw = (tmp_path / "f").read_bytes()
    block = CHUNK_BYTES + 16
    header = len(raw) - (len(data) + 3 * 16)
    (tmp_path / "cut").write_bytes(raw[: header + block])  # drop the last chunks
    with pytest.raises(SealError):
        b"".join(sealer.file_chunks(tmp_path / "cut", "name"))
    flipped = bytearray(raw)
    flipped[-1] ^= 1
    (tmp_path / "flip").write_bytes(bytes(flipped))
    with pytest.raises(SealError):
        b"".join(sealer.file_chunks(tmp_path / "flip", "name"))
    with pytest.raises(SealError):
        b"".join(sealer.file_chunks(tmp_path / "f", "other-name"))
    with pytest.raises(SealError):
        b"".join(Sealer("j" * 40).file_chunks(tmp_path / "f", "name"))


def test_sealed_values_are_bound_to_their_case_and_column() -> None:
    sealer = Sealer("k" * 40)
    blob = sealer.seal_text(ID_NUMBER, "case:26-AAAAAA:reporter")
    assert sealer.open_text(blob, "case:26-AAAAAA:reporter") == ID_NUMBER
    with pytest.raises(SealError):
        sealer.open_text(blob, "case:26-CCCCCC:reporter")
    with pytest.raises(SealError):
        sealer.open_text(blob, "case:26-AAAAAA:reply")


def test_a_changed_encryption_key_is_a_clear_refusal_not_a_500(
    tmp_path: Path, demo_dir: Path
) -> None:
    settings = make_settings(tmp_path, demo_dir, **OBJECTION_SETTINGS)
    first = build_app(settings, Clock(NOW))
    with TestClient(first) as client:
        env = Env(first, client, settings, Clock(NOW), tmp_path)
        filed = env.file().json()
    another = "another-key-" + "x" * 40
    changed = make_settings(tmp_path, demo_dir, encryption_key=another, **OBJECTION_SETTINGS)
    rotated = create_app(changed, clock=Clock(NOW))
    with TestClient(rotated) as client:
        env = Env(rotated, client, changed, Clock(NOW), tmp_path)
        response = client.get(f"/api/admin/objections/{filed['case_number']}", headers=env.admin())
        assert response.status_code == 503
        assert response.json()["code"] == "decrypt_failed"
        # The key's hash was keyed too: the old key no longer opens the case.
        follow = client.get(
            f"/api/objections/{filed['case_number']}", headers={"X-Objection-Key": filed["key"]}
        )
        assert follow.status_code == 404


def test_follow_up_and_admin_bodies_are_capped(env: Env) -> None:
    response = env.client.post(
        "/api/objections/26-AAAAAA",
        content=b'{"key": "' + b"A" * 200_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
