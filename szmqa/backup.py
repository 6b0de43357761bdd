"""``szmqa backup OUT``: the database, the sealed attachments and (apart or inside) the keys.

The archive (tar, gzip, mode 0600) holds ``manifest.json`` (what is inside with each file's
SHA-256, the schema revision, and fingerprints of the keys the data needs),
``database.sqlite`` (SQLite's online backup) or ``database.pgdump`` (``pg_dump``'s custom
format), and ``attachments/``. The keys go to ``OUT.keys.json`` (mode 0600) by default, to
be kept apart from the archive (``--keys together`` puts them inside, ``--keys none`` leaves
them out). It is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from award.errors import AwardError
from szmqa.doctor_checks import sqlite_file
from vote_api.core.db import Database
from vote_api.core.key_presence import fingerprint
from vote_api.core.keys import log_signing_seed, with_keys
from vote_api.core.settings import Settings
from vote_api.objections.storage import FINAL_SUFFIX
from vote_api.schema import schema_state, sqlite_backup

MANIFEST = "manifest.json"
KEYS = "keys.json"
ATTACHMENTS = "attachments"
FORMAT = "szmqa-backup 1"


def key_fingerprints(settings: Settings) -> dict[str, Any]:
    """The fingerprints of the signing key and of every encryption key, newest first."""
    return {
        "secret_key": fingerprint(settings.secret.decode("utf-8")),
        "encryption_keys": [fingerprint(key) for key in settings.encryption_keys],
        "log_signing_key": fingerprint(log_signing_seed(settings)),
    }


def keys_document(settings: Settings) -> dict[str, Any]:
    """The keys as a JSON document (the format of ``keys.json``, with the older keys)."""
    return {
        "secret_key": settings.secret.decode("utf-8"),
        "encryption_key": settings.encryption_keys[0],
        "old_encryption_keys": settings.encryption_keys[1:],
        "log_signing_key": log_signing_seed(settings),
    }


def write_private(path: Path, data: bytes) -> None:
    """Write a new file readable by its owner only (refuse to overwrite one)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def libpq_url(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as pg_dump and pg_restore take it."""
    scheme, _, rest = url.partition("://")
    return f"postgresql://{rest}" if scheme.startswith("postgresql") else url


def dump_database(settings: Settings, folder: Path) -> tuple[str, str]:
    """Copy the database into ``folder``; (its file name, the schema revision)."""
    database = Database(settings.database_url)
    try:
        revision = schema_state(database.engine).current or ""
    finally:
        database.close()
    if settings.is_sqlite:
        source = sqlite_file(settings.database_url)
        if source is None or not source.exists():
            raise AwardError(f"找不到数据库文件（SZMQA_DATABASE_URL={settings.database_url}）")
        sqlite_backup(source, folder / "database.sqlite")
        return "database.sqlite", revision
    target = folder / "database.pgdump"
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)]
    run_tool([*command, libpq_url(settings.database_url)], "pg_dump")
    return target.name, revision


def run_tool(command: list[str], name: str) -> None:
    """Run pg_dump or pg_restore; a Chinese refusal with its message if it fails."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise AwardError(
            f"找不到 {name}：请安装与数据库同版本的 PostgreSQL 客户端（apt-get install postgresql-client）"
        ) from None
    if result.returncode != 0:
        raise AwardError(f"{name} 失败：{result.stderr.strip()}")


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_attachments(settings: Settings, folder: Path) -> int:
    """Copy the committed sealed files (not unfinished uploads); how many."""
    target = folder / ATTACHMENTS
    target.mkdir()
    source = settings.objection_upload_path
    count = 0
    if source.is_dir():
        for path in sorted(source.glob(f"*{FINAL_SUFFIX}")):
            shutil.copy2(path, target / path.name)
            count += 1
    return count


def make_backup(settings: Settings, out: Path, keys: str) -> tuple[dict[str, Any], Path | None]:
    """Write the archive (and the keys file apart); the manifest and the keys file's path."""
    if out.exists():
        raise AwardError(f"{out} 已存在：请换一个文件名（备份从不覆盖已有的文件）")
    keys_path = out.with_name(out.name + ".keys.json") if keys == "separate" else None
    if keys_path is not None and keys_path.exists():
        raise AwardError(f"{keys_path} 已存在：请换一个文件名")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".szmqa-backup-", dir=out.parent) as work:
        folder = Path(work, "content")
        folder.mkdir(mode=0o700)
        database, revision = dump_database(settings, folder)
        attachments = copy_attachments(settings, folder)
        document = json.dumps(keys_document(settings), indent=1).encode("utf-8")
        if keys == "together":
            write_private(folder / KEYS, document)
        files = {
            str(path.relative_to(folder)): sha256_of(path)
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }
        manifest = {
            "format": FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": database,
            "schema_revision": revision,
            "attachments": attachments,
            "keys_included": keys == "together",
            "keys": key_fingerprints(settings),
            "files": files,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        partial = Path(work, "archive.tar.gz")
        write_private(partial, b"")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(folder / MANIFEST, arcname=MANIFEST)
            for name in files:
                archive.add(folder / name, arcname=name)
        if keys_path is not None:
            write_private(keys_path, document)
        os.replace(partial, out)
    return manifest, keys_path


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up the database, the attachments and the keys; say where each went."""
    settings = with_keys(Settings())
    manifest, keys_path = make_backup(settings, args.out, args.keys)
    print(
        f"已备份到 {args.out}（权限 0600）：数据库（结构版本 {manifest['schema_revision']}）、"
        f"{manifest['attachments']} 个异议附件。"
    )
    if keys_path is not None:
        print(
            f"密钥另存于 {keys_path}（权限 0600）：与备份分开保存（例如离线的 U 盘），二者缺一不可。"
        )
    elif manifest["keys_included"]:
        print("密钥在备份之内：这份备份本身即可解密个人信息，须离线保存。")
    else:
        print("备份不含密钥：恢复时须有备份时所用的 SZMQA_SECRET_KEY 与加密密钥。")
    return 0


def register(sub: Any) -> None:
    """Add the ``backup`` command to the ``szmqa`` subcommands."""
    command = sub.add_parser(
        "backup", help="备份数据库、异议附件与密钥（密钥默认另存为 OUT.keys.json）"
    )
    command.add_argument("out", type=Path, help="备份文件，如 /srv/backup/szmqa-2026-11-24.tar.gz")
    command.add_argument(
        "--keys",
        choices=["separate", "together", "none"],
        default="separate",
        help="密钥：separate 另存为 OUT.keys.json（默认）、together 放在备份之内、none 不备份",
    )
    command.set_defaults(func=cmd_backup)
