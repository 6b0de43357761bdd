"""``szmqa purge``: clear the personal data and files of objection cases closed long enough ago.

Prints the case numbers and counts of what it cleared (never any personal data). Run it
daily (cron or a systemd timer) with the same SZMQA_* settings as the service.
"""

from __future__ import annotations

import argparse
import contextlib
from datetime import datetime
from typing import Any

from award.calendar import now as shanghai_now
from award.moments import to_moment


def _moment(text: str) -> datetime:
    try:
        return to_moment(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def purge(*, now: datetime, retention_days: int | None = None, dry_run: bool = False) -> int:
    """Purge with the settings from the environment; print what was (or would be) purged."""
    from szmqa.database import open_database
    from vote_api.core.settings import Settings
    from vote_api.objections.retention import live_storage_names, purge_due
    from vote_api.objections.storage import UploadStore

    settings = Settings()
    days = retention_days if retention_days is not None else settings.objection_retention_days
    store = UploadStore(settings.objection_upload_path)
    db = open_database()
    try:
        with db.session() as session:
            numbers, storage_names = purge_due(session, store, now, days, dry_run=dry_run)
        removed = 0
        stray = 0
        if not dry_run:
            for name in storage_names:
                for path in (store.final_path(name), store.temp_path(name)):
                    if path.exists():
                        with contextlib.suppress(FileNotFoundError):
                            path.unlink()
                            removed += 1
            with db.session() as session:
                known = live_storage_names(session)
            stray = store.sweep(known)
    finally:
        db.close()
    verb = "将清除" if dry_run else "已清除"
    print(
        f"{verb} {len(numbers)} 件办结超过 {days} 天的异议案件的个人信息"
        f"（{len(storage_names)} 个附件）。"
    )
    for number in numbers:
        print(f"  {number}")
    if not dry_run:
        print(f"删除附件文件 {removed} 个，清理残留的临时或无主文件 {stray} 个。")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    """The command's entry point."""
    return purge(now=args.now or shanghai_now(), retention_days=args.days, dry_run=args.dry_run)


def register(sub: Any) -> None:
    """Add ``purge`` to the CLI's subcommands."""
    command = sub.add_parser(
        "purge",
        help="清除办结超过保存期限的异议案件中的个人信息和附件（按 SZMQA_OBJECTION_RETENTION_DAYS）",
    )
    command.add_argument(
        "--days",
        type=int,
        default=None,
        help="保存期限（天），默认取 SZMQA_OBJECTION_RETENTION_DAYS",
    )
    command.add_argument("--dry-run", action="store_true", help="只列出将清除的案件，不做修改")
    command.add_argument(
        "--now", type=_moment, default=None, help="视为“现在”的时刻（测试用），如 2027-06-01 09:00"
    )
    command.set_defaults(func=cmd_purge)
