"""``szmqa rotate-keys``: re-seal stored objection data and staff authenticator secrets with the newest key."""

from __future__ import annotations

import argparse
from typing import Any

from award.calendar import now as current_time
from award.errors import AwardError
from szmqa.database import open_database
from vote_api.console.accounts import reseal_secrets
from vote_api.core.crypto import Sealer
from vote_api.core.key_presence import workers_without
from vote_api.core.keys import with_keys
from vote_api.core.settings import Settings
from vote_api.objections.rotation import rotate_all
from vote_api.objections.storage import UploadStore


def cmd_rotate_keys(args: argparse.Namespace) -> int:
    """Re-seal every case, file and authenticator secret sealed with an older key; print them."""
    settings = with_keys(Settings())
    sealer = Sealer(settings.encryption_keys)
    store = UploadStore(settings.objection_upload_path)
    database = open_database()
    try:
        with database.session() as session:
            behind = workers_without(session, settings.encryption_keys[0], current_time())
        if behind and not args.dry_run:
            raise AwardError(
                f"有 {len(behind)} 个正在运行的服务进程还没有新的加密密钥（只有旧密钥）："
                "此时重新加密，这些进程将无法解密异议信息，工作人员也无法在其上登录。"
                "请先把新密钥写入服务的 SZMQA_ENCRYPTION_KEY、旧密钥移入 SZMQA_OLD_ENCRYPTION_KEYS，"
                "重启服务（systemctl restart szmqa），再运行 szmqa rotate-keys；什么都没有改动"
            )
        with database.session() as session:
            report = rotate_all(session, sealer, store, dry_run=args.dry_run)
        with database.session() as session:
            people = reseal_secrets(session, sealer, dry_run=args.dry_run)
    finally:
        database.close()
    verb = "将重新加密" if args.dry_run else "已重新加密"
    for number in report.case_numbers:
        print(number)
    print(
        f"{verb} {report.cases} 件案件：{report.values} 项个人信息或内容、{report.files} 个附件。"
    )
    print(
        f"{verb} {len(people)} 位工作人员的验证器密钥{'：' + '、'.join(people) if people else ''}。"
    )
    if len(settings.encryption_keys) > 1:
        print(
            "查询密钥以哈希保存，无法重新计算：请在 SZMQA_OLD_ENCRYPTION_KEYS 中保留旧密钥，"
            "直至用旧密钥提交的案件办结并清除。"
        )
    return 0


def register(sub: Any) -> None:
    """Add the ``rotate-keys`` command to the ``szmqa`` subcommands."""
    command = sub.add_parser(
        "rotate-keys",
        help="用最新的 SZMQA_ENCRYPTION_KEY 重新加密以旧密钥（SZMQA_OLD_ENCRYPTION_KEYS）加密的异议信息、附件和工作人员的验证器密钥；可中断后重跑",
    )
    command.add_argument("--dry-run", action="store_true", help="只列出需要重新加密的案件，不写入")
    command.set_defaults(func=cmd_rotate_keys)
