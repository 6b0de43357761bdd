"""``szmqa restore IN``: a backup into a fresh place, whole or not at all.

Everything is checked before anything is written: the archive's files against its manifest,
the keys against the fingerprints of the keys the data was sealed with (a wrong key is named
as a key problem, before any staff member meets it as a refused password), and that the
database and the attachments folder are empty. Then the database is restored (SQLite: a copy
renamed into place; PostgreSQL: ``pg_restore`` in one transaction) and the attachments folder,
prepared beside its place, is renamed into it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import inspect

from award.errors import AwardError
from szmqa.backup import (
    ATTACHMENTS,
    FORMAT,
    KEYS,
    MANIFEST,
    libpq_url,
    run_tool,
    sha256_of,
    write_private,
)
from szmqa.doctor_checks import sqlite_file
from vote_api.core.db import Database
from vote_api.core.key_presence import fingerprint
from vote_api.core.keys import KEY_FILE, LOG_KEY_FILE, stored_log_signing_seed
from vote_api.core.settings import Settings
from vote_api.schema import schema_state, sqlite_backup

_MEMBER = re.compile(
    rf"^({MANIFEST}|{KEYS}|database\.(sqlite|pgdump)|{ATTACHMENTS}/[0-9a-f]+\.sealed)$"
)


def unpack(archive: Path, folder: Path) -> dict[str, Any]:
    """Extract a backup into ``folder`` and check it against its manifest; the manifest."""
    damaged = f"备份 {archive} 不完整或已损坏"
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar.getmembers():
                if not (member.isfile() and _MEMBER.match(member.name)):
                    raise AwardError(f"{damaged}：含有不属于备份的条目 {member.name!r}")
            tar.extractall(folder, filter="data")
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, tarfile.TarError, ValueError) as error:
        raise AwardError(f"{damaged}：{error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise AwardError(f"{damaged}：不是 szmqa backup 生成的备份")
    files: dict[str, str] = manifest["files"]
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {MANIFEST}
    if present != set(files):
        raise AwardError(f"{damaged}：文件与清单不符（{', '.join(sorted(present ^ set(files)))}）")
    for name, digest in files.items():
        if sha256_of(folder / name) != digest:
            raise AwardError(f"{damaged}：{name} 的校验值不符")
    return manifest


def read_keys(path: Path) -> dict[str, Any]:
    """A keys file written by ``szmqa backup``."""
    try:
        keys = json.loads(path.read_text(encoding="utf-8"))
        str(keys["secret_key"]), str(keys["encryption_key"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AwardError(f"密钥文件 {path} 无法读取：{error}") from None
    return dict(keys)


def choose_keys(
    settings: Settings, manifest: dict[str, Any], stored: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Check the keys the restored service will use; the keys to write, if from the backup."""
    from_environment = settings.secret_key is not None and settings.encryption_key is not None
    if from_environment:
        secret = settings.secret.decode("utf-8")
        encryption = settings.encryption_keys
        where = "环境变量 SZMQA_SECRET_KEY / SZMQA_ENCRYPTION_KEY / SZMQA_OLD_ENCRYPTION_KEYS"
    elif (settings.data_dir / KEY_FILE).exists():  # the embedded default's generated keys
        kept = read_keys(settings.data_dir / KEY_FILE)
        secret, encryption = kept["secret_key"], [kept["encryption_key"]]
        where, from_environment = f"{settings.data_dir / KEY_FILE}", True
    elif stored is not None:
        secret = stored["secret_key"]
        encryption = [stored["encryption_key"], *stored.get("old_encryption_keys", [])]
        where = "备份的密钥文件"
    else:
        raise AwardError(
            "密钥问题：没有可用的密钥。请用 --keys 指定备份时另存的 *.keys.json，"
            "或在环境变量中设置备份时所用的 SZMQA_SECRET_KEY 与 SZMQA_ENCRYPTION_KEY"
        )
    needed = manifest["keys"]
    problems = []
    if fingerprint(secret) != needed["secret_key"]:
        problems.append("签名密钥（SZMQA_SECRET_KEY）与备份时的不同")
    have = {fingerprint(key) for key in encryption}
    missing = [i for i, f in enumerate(needed["encryption_keys"]) if f not in have]
    if missing:
        which = "、".join("最新的加密密钥" if i == 0 else f"第 {i} 个旧加密密钥" for i in missing)
        problems.append(f"缺少备份时的{which}（SZMQA_ENCRYPTION_KEY / SZMQA_OLD_ENCRYPTION_KEYS）")
    if problems:
        raise AwardError(
            f"密钥问题（不是密码问题）：{where}与备份不符——{'；'.join(problems)}。"
            "用这些密钥恢复，异议人信息无法解密、工作人员无法登录。请改用备份时的密钥"
            "（备份时另存的 *.keys.json，用 --keys 指定），什么都没有恢复"
        )
    return None if from_environment else stored


def check_fresh(settings: Settings, manifest: dict[str, Any]) -> None:
    """Refuse unless the database and the attachments folder are empty."""
    database = Database(settings.database_url)
    try:
        tables = inspect(database.engine).get_table_names()
        head = schema_state(database.engine).head
    finally:
        database.close()
    if tables:
        raise AwardError(
            "目标数据库不是空的（已有数据表）：szmqa restore 只恢复到新的数据库，"
            "请新建一个空数据库并把 SZMQA_DATABASE_URL 指向它，什么都没有恢复"
        )
    if manifest["schema_revision"] > head:
        raise AwardError(
            f"备份的数据库结构版本 {manifest['schema_revision']} 比本程序（{head}）新："
            "请先升级程序再恢复"
        )
    uploads = settings.objection_upload_path
    if uploads.exists() and any(uploads.iterdir()):
        raise AwardError(f"附件目录 {uploads} 不是空的：请恢复到新的数据目录，什么都没有恢复")


def restore_database(settings: Settings, folder: Path, name: str) -> None:
    """Put the backup's database in place, whole or not at all."""
    if name == "database.sqlite":
        target = sqlite_file(settings.database_url)
        if target is None or not settings.is_sqlite:
            raise AwardError("备份的是 SQLite 数据库：请把 SZMQA_DATABASE_URL 设为 sqlite:///…")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        partial.unlink(missing_ok=True)
        sqlite_backup(folder / name, partial)
        partial.chmod(0o600)
        os.replace(partial, target)
        return
    if settings.is_sqlite:
        raise AwardError(
            "备份的是 PostgreSQL 数据库：请把 SZMQA_DATABASE_URL 设为 postgresql+psycopg://…"
        )
    command = ["pg_restore", "--single-transaction", "--exit-on-error", "--no-owner"]
    command += ["--no-privileges", "--dbname", libpq_url(settings.database_url), str(folder / name)]
    run_tool(command, "pg_restore")


def choose_log_key(
    settings: Settings, manifest: dict[str, Any], stored: dict[str, Any] | None
) -> str | None:
    """Check the ballot log's signing key; the one to write, if it comes from the backup.

    Checkpoints signed before the backup stay verifiable only with the same key, so a
    restored installation must sign on with it.
    """
    needed = manifest["keys"].get("log_signing_key")  # absent in backups of older versions
    have = stored_log_signing_seed(settings)
    if have is not None:
        if needed is not None and fingerprint(have) != needed:
            raise AwardError(
                "密钥问题：投票日志的签名密钥（SZMQA_LOG_SIGNING_KEY 或数据目录中的 "
                f"{LOG_KEY_FILE}）与备份时的不同，之后签署的检查点将无法与之前的衔接。"
                "请改用备份时的密钥（备份时另存的 *.keys.json 中的 log_signing_key），什么都没有恢复"
            )
        return None
    return None if stored is None else stored.get("log_signing_key")


def restore(settings: Settings, archive: Path, keys_file: Path | None) -> dict[str, Any]:
    """Check everything, then restore the database, the attachments and the keys."""
    uploads = settings.objection_upload_path
    uploads.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".szmqa-restore-", dir=uploads.parent) as work:
        folder = Path(work)
        manifest = unpack(archive, folder)
        stored = read_keys(keys_file) if keys_file else None
        if stored is None and manifest["keys_included"]:
            stored = read_keys(folder / KEYS)
        to_write = choose_keys(settings, manifest, stored)
        log_key = choose_log_key(settings, manifest, stored)
        key_path = settings.data_dir / KEY_FILE
        check_fresh(settings, manifest)
        (folder / ATTACHMENTS).mkdir(exist_ok=True)
        os.chmod(folder / ATTACHMENTS, 0o700)
        restore_database(settings, folder, manifest["database"])
        if uploads.exists():
            uploads.rmdir()  # empty: checked above
        shutil.move(folder / ATTACHMENTS, uploads)
        if to_write is not None:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            document = {k: to_write[k] for k in ("secret_key", "encryption_key")}
            write_private(key_path, json.dumps(document).encode("utf-8"))
            manifest["keys_written"] = str(key_path)
            manifest["old_keys"] = len(to_write.get("old_encryption_keys", []))
        if log_key is not None:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            write_private(settings.data_dir / LOG_KEY_FILE, log_key.encode("ascii"))
    return manifest


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a backup into the configured (fresh) database and data folder."""
    settings = Settings()
    manifest = restore(settings, args.archive, args.keys)
    print(
        f"已恢复 {args.archive}（{manifest['created']} 备份，结构版本 {manifest['schema_revision']}）："
        f"数据库、{manifest['attachments']} 个异议附件。"
    )
    if "keys_written" in manifest:
        print(f"密钥已写入 {manifest['keys_written']}（权限 0600）。")
        if manifest["old_keys"]:
            print("备份另有旧加密密钥：请把它们写入 SZMQA_OLD_ENCRYPTION_KEYS（见密钥文件）。")
    return 0


def register(sub: Any) -> None:
    """Add the ``restore`` command to the ``szmqa`` subcommands."""
    command = sub.add_parser(
        "restore",
        help="把 szmqa backup 的备份恢复到新的数据库与数据目录（先全部检查，不会只恢复一半）",
    )
    command.add_argument("archive", type=Path, help="备份文件")
    command.add_argument("--keys", type=Path, default=None, help="备份时另存的密钥文件 *.keys.json")
    command.set_defaults(func=cmd_restore)
