"""``szmqa admin-token create|revoke|list``: the admin API's bearer tokens, one per named person."""

from __future__ import annotations

import argparse
from typing import Any

from sqlmodel import select

from award.calendar import now
from szmqa.database import open_database
from vote_api.console import accounts
from vote_api.core.auth import AdminToken, create_token, revoke_token
from vote_api.core.timeutil import from_db


def cmd_create(args: argparse.Namespace) -> int:
    """Create a token for a name and print it once."""
    database = open_database()
    try:
        with database.session() as session:
            if accounts.active_staff(session, args.name) is None:
                print(
                    f"没有名为 {args.name} 的在用工作台人员：管理令牌只发给具名人员，"
                    f"请先用 szmqa staff add {args.name} --role 角色 添加。"
                )
                return 1
            if session.exec(select(AdminToken).where(AdminToken.name == args.name)).first():
                print(
                    f"已存在名为 {args.name} 的管理令牌（含已撤销的）；请换一个名称，例如 {args.name}-2。"
                )
                return 1
            token = create_token(session, args.name, now())
    finally:
        database.close()
    print(f"已为 {args.name} 创建管理令牌（只显示这一次，请妥善保存）：")
    print(token)
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    """Revoke the token of a name."""
    database = open_database()
    try:
        with database.session() as session:
            revoked = revoke_token(session, args.name, now())
    finally:
        database.close()
    if not revoked:
        print(f"没有名为 {args.name} 的有效管理令牌。")
        return 1
    print(f"已撤销 {args.name} 的管理令牌。")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """List token names, when they were created and whether they are revoked."""
    database = open_database()
    try:
        with database.session() as session:
            tokens = session.exec(select(AdminToken).order_by(AdminToken.name)).all()
    finally:
        database.close()
    if not tokens:
        print("尚无管理令牌。用 szmqa admin-token create 名称 创建。")
    for token in tokens:
        created = from_db(token.created_at).strftime("%Y-%m-%d %H:%M")
        if token.revoked_at is None:
            status = "有效"
        else:
            status = f"已于 {from_db(token.revoked_at):%Y-%m-%d %H:%M} 撤销"
        print(f"{token.name}\t创建于 {created}\t{status}")
    return 0


def register(sub: Any) -> None:
    """Add the ``admin-token`` command to the ``szmqa`` subcommands."""
    command = sub.add_parser(
        "admin-token",
        help="管理接口令牌：create 创建、revoke 撤销、list 列出（数据库见 SZMQA_DATABASE_URL）",
    )
    actions = command.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="为某位工作台人员创建令牌，只显示一次")
    create.add_argument("name", help="使用人的姓名（须是 szmqa staff add 添加的在用账户）")
    create.set_defaults(func=cmd_create)
    revoke = actions.add_parser("revoke", help="撤销某人的令牌")
    revoke.add_argument("name", help="令牌名称")
    revoke.set_defaults(func=cmd_revoke)
    listing = actions.add_parser("list", help="列出全部令牌（不显示令牌本身）")
    listing.set_defaults(func=cmd_list)
