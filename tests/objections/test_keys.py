"""Keys: generated per data folder outside production, never in the source; rotation of old keys."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

from starlette.testclient import TestClient

from tests.factories import (
    NOW,
    OBJECTION_SETTINGS,
    PDF,
    PNG,
    ROOT,
    Clock,
    Env,
    build_app,
    make_settings,
)
from vote_api.console.accounts import add_staff, enrolment_secret, find_staff
from vote_api.console.models import Role
from vote_api.core.crypto import Sealer
from vote_api.core.keys import KEY_FILE, with_keys
from vote_api.core.settings import Settings
from vote_api.core.state import core_state

OLD_KEY = "old-encryption-key-" + "o" * 40
NEW_KEY = "new-encryption-key-" + "n" * 40


def test_keys_two_fresh_data_folders_get_different_keys_kept_private(tmp_path: Path) -> None:
    first = with_keys(Settings(data_dir=tmp_path / "a"))
    second = with_keys(Settings(data_dir=tmp_path / "b"))
    assert first.secret != second.secret
    assert first.encryption_keys != second.encryption_keys
    for folder in ("a", "b"):
        mode = stat.S_IMODE(os.stat(tmp_path / folder / KEY_FILE).st_mode)
        assert mode == 0o600
    again = with_keys(Settings(data_dir=tmp_path / "a"))  # a restart reuses them
    assert again.secret == first.secret and again.encryption_keys == first.encryption_keys


def test_keys_set_in_the_environment_win_over_the_file(tmp_path: Path) -> None:
    settings = with_keys(Settings(data_dir=tmp_path, secret_key="s" * 40, encryption_key=NEW_KEY))
    assert settings.encryption_keys == [NEW_KEY]
    assert not (tmp_path / KEY_FILE).exists()


def test_keys_no_key_in_the_source_code() -> None:
    assert Settings.model_fields["secret_key"].default is None
    assert Settings.model_fields["encryption_key"].default is None
    for path in (ROOT / "vote_api").rglob("*.py"):
        assert not re.search(r"do-not-deploy|development-only", path.read_text(encoding="utf-8"))


def _app(root: Path, demo_dir: Path, **overrides: object) -> tuple[TestClient, Env]:
    settings = make_settings(root, demo_dir, **{**OBJECTION_SETTINGS, **overrides})
    app = build_app(settings, Clock(NOW))
    client = TestClient(app)
    client.__enter__()
    return client, Env(app, client, settings, Clock(NOW), root)


def test_keys_a_database_made_with_one_folders_keys_is_unreadable_with_anothers(
    tmp_path: Path, demo_dir: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    client, env = _app(tmp_path / "one", demo_dir, database_url=database)
    filed = env.file().json()
    client.__exit__(None, None, None)
    client, other = _app(tmp_path / "two", demo_dir, database_url=database)
    try:
        response = client.get(
            f"/api/admin/objections/{filed['case_number']}", headers=other.admin()
        )
        assert response.status_code == 503 and response.json()["code"] == "decrypt_failed"
    finally:
        client.__exit__(None, None, None)


def _rotate(root: Path, demo_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    settings = make_settings(root, demo_dir)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SZMQA_DATABASE_URL": settings.database_url,
        "SZMQA_DATA_DIR": str(settings.data_dir),
        "SZMQA_ENCRYPTION_KEY": NEW_KEY,
        "SZMQA_OLD_ENCRYPTION_KEYS": OLD_KEY,
    }
    return subprocess.run(
        [sys.executable, "-m", "szmqa", "rotate-keys", *extra],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_keys_rotation_reseals_cases_and_attachments_resumably(
    tmp_path: Path, demo_dir: Path
) -> None:
    client, env = _app(tmp_path, demo_dir, encryption_key=OLD_KEY)
    files = [
        ("evidence", ("处罚决定书.pdf", PDF, "application/pdf")),
        ("evidence", ("现场照片.png", PNG, "image/png")),
    ]
    filed = [env.file(files=files).json() for _ in range(2)]
    case = filed[0]["case_number"]
    moved = client.post(
        f"/api/admin/objections/{case}/transitions",
        json={"to": "under_review", "note": "已联系属地监管部门核实"},
        headers=env.admin(),
    )
    assert moved.status_code == 200
    client.__exit__(None, None, None)

    dry = _rotate(tmp_path, demo_dir, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "将重新加密 2 件案件" in dry.stdout and "4 个附件" in dry.stdout
    assert Sealer([OLD_KEY]).file_key_index(env.stored_files()[0], env.stored_files()[0].stem) == 0

    done = _rotate(tmp_path, demo_dir)
    assert done.returncode == 0, done.stderr
    assert "已重新加密 2 件案件" in done.stdout and "4 个附件" in done.stdout
    again = _rotate(tmp_path, demo_dir)  # a second run (or a resumed one) finds nothing left
    assert "已重新加密 0 件案件" in again.stdout

    client, env = _app(tmp_path, demo_dir, encryption_key=NEW_KEY)  # the old key is gone
    try:
        detail = client.get(f"/api/admin/objections/{case}", headers=env.admin("reader"))
        assert detail.status_code == 200, detail.text
        body = detail.json()
        assert body["reporter"]["name"] and body["history"][0]["note"] == "已联系属地监管部门核实"
        first_file = body["files"][0]
        download = client.get(
            f"/api/admin/objections/{case}/files/{first_file['id']}", headers=env.admin("reader")
        )
        assert download.status_code == 200 and download.content == PDF
    finally:
        client.__exit__(None, None, None)


def test_keys_workers_starting_together_share_one_set(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(
            pool.map(lambda _: with_keys(Settings(data_dir=tmp_path)).encryption_keys, range(16))
        )
    assert all(keys == found[0] for keys in found)
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]  # no temporary file left behind


def test_keys_rotation_reseals_authenticator_secrets(tmp_path: Path, demo_dir: Path) -> None:
    client, env = _app(tmp_path, demo_dir, encryption_key=OLD_KEY)
    state = core_state(env.app)
    with state.db.session() as session:
        add_staff(session, "张三", Role.ADMIN, actor="test", now=NOW)
        staff = find_staff(session, "张三")
        assert staff is not None
        secret = enrolment_secret(session, staff, Sealer([OLD_KEY]))
    client.__exit__(None, None, None)

    dry = _rotate(tmp_path, demo_dir, "--dry-run")
    assert "将重新加密 1 位工作人员的验证器密钥：张三" in dry.stdout, dry.stderr
    done = _rotate(tmp_path, demo_dir)
    assert "已重新加密 1 位工作人员的验证器密钥：张三" in done.stdout, done.stderr
    assert "已重新加密 0 位工作人员" in _rotate(tmp_path, demo_dir).stdout

    with state.db.session() as session:
        staff = find_staff(session, "张三")
        assert staff is not None and staff.totp_sealed is not None
        context = f"staff:{staff.id}:totp"
        assert Sealer([NEW_KEY]).open_text(staff.totp_sealed, context) == secret  # old key gone


def test_keys_rotation_refuses_while_a_running_service_holds_only_the_old_key(
    tmp_path: Path, demo_dir: Path
) -> None:
    client, env = _app(tmp_path, demo_dir, encryption_key=OLD_KEY)  # running, old key only
    try:
        case = env.file().json()["case_number"]
        refused = _rotate(tmp_path, demo_dir)
        assert refused.returncode == 1
        assert "1 个正在运行的服务进程还没有新的加密密钥" in refused.stderr
        assert "重启服务" in refused.stderr and "Traceback" not in refused.stderr
        assert _rotate(tmp_path, demo_dir, "--dry-run").returncode == 0  # looking is harmless
        detail = client.get(f"/api/admin/objections/{case}", headers=env.admin())
        assert detail.status_code == 200  # nothing was re-sealed under the running service
    finally:
        client.__exit__(None, None, None)
    # Restarted with the new key (the old one kept): the rotation goes ahead under it.
    client, env = _app(tmp_path, demo_dir, encryption_key=NEW_KEY, old_encryption_keys=[OLD_KEY])
    try:
        done = _rotate(tmp_path, demo_dir)
        assert done.returncode == 0 and "已重新加密 1 件案件" in done.stdout, done.stderr
        detail = client.get(f"/api/admin/objections/{case}", headers=env.admin("reader"))
        assert detail.status_code == 200 and detail.json()["reporter"]["name"]
    finally:
        client.__exit__(None, None, None)
