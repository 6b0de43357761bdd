"""``szmqa staff add|disable|reset-2fa|list``: the secretariat's console accounts."""

from __future__ import annotations

import argparse
from typing import Any

from award.calendar import now
from szmqa.database import open_database
from vote_api.console import accounts
from vote_api.console.models import Role
from vote_api.core.db import Database

ACTOR = "szmqa staff"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
#: The account ``szmqa serve --demo`` prepares (never in a production start).
DEMO_NAME = "演示管理员"


def enrolment_link(base_url: str, token: str) -> str:
    """The one-time enrolment page of a token."""
    return f"{base_url.rstrip('/')}/admin/enrol/{token}"


def _role(text: str) -> Role:
    try:
        return Role.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _run(work: Any) -> Any:
    database = open_database()
    try:
        with database.session() as session:
            return work(session)
    finally:
        database.close()


def cmd_add(args: argparse.Namespace) -> int:
    """Create an account and print its one-time enrolment link."""
    try:
        token = _run(
            lambda session: accounts.add_staff(
                session, args.name, args.role, actor=ACTOR, now=now()
            )
        )
    except accounts.AccountError as error:
        print(error)
        return 1
    print(f"已添加 {args.name.strip()}（{args.role.label}）。请在 72 小时内打开下面的一次性链接，")
    print("扫描二维码绑定验证器并设置密码（链接只显示这一次）：")
    print(enrolment_link(args.base_url, token))
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    """Disable an account; its sessions end at once."""
    try:
        _run(lambda session: accounts.disable_staff(session, args.name, actor=ACTOR, now=now()))
    except accounts.AccountError as error:
        print(error)
        return 1
    print(f"已停用 {args.name.strip()} 的账户，其登录会话已全部结束。")
    return 0


def cmd_reset_2fa(args: argparse.Namespace) -> int:
    """Forget an account's authenticator and print a new enrolment link."""
    try:
        token = _run(
            lambda session: accounts.reset_two_factor(session, args.name, actor=ACTOR, now=now())
        )
    except accounts.AccountError as error:
        print(error)
        return 1
    print(f"已重置 {args.name.strip()} 的两步验证。新的一次性设置链接（72 小时内有效）：")
    print(enrolment_link(args.base_url, token))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """List every account with its role and state."""
    moment = now()
    people = _run(
        lambda session: [accounts.describe(p, moment) for p in accounts.list_staff(session)]
    )
    if not people:
        print("尚无工作台账户。用 szmqa staff add 姓名 --role 角色 添加。")
    for person in people:
        print(f"{person['name']}\t{person['role_label']}\t{person['state']}")
    return 0


def demo_enrolment(database: Database, base_url: str) -> str:
    """The demo administrator's enrolment link (made, or renewed, for ``serve --demo``)."""
    moment = now()
    with database.session() as session:
        person = accounts.find_staff(session, DEMO_NAME)
        if person is None or person.disabled_at is not None:
            name = DEMO_NAME if person is None else f"{DEMO_NAME}{moment:%H%M%S}"
            token = accounts.add_staff(session, name, Role.ADMIN, actor=ACTOR, now=moment)
        else:
            token = accounts.reset_two_factor(session, DEMO_NAME, actor=ACTOR, now=moment)
    return enrolment_link(base_url, token)


def register(sub: Any) -> None:
    """Add the ``staff`` command to the ``szmqa`` subcommands."""
    command = sub.add_parser(
        "staff",
        help="工作台账户：add 添加、disable 停用、reset-2fa 重置两步验证、list 列出",
    )
    actions = command.add_subparsers(dest="action", required=True)
    roles = "、".join(f"{r.value}（{r.label}）" for r in Role)
    add = actions.add_parser("add", help="添加人员并打印一次性设置链接")
    add.add_argument("name", help="姓名（登录用的账户名）")
    add.add_argument("--role", type=_role, required=True, help=f"角色：{roles}")
    add.add_argument("--base-url", default=DEFAULT_BASE_URL, help="工作台的网址（用于生成链接）")
    add.set_defaults(func=cmd_add)
    disable = actions.add_parser("disable", help="停用账户并结束其全部会话")
    disable.add_argument("name")
    disable.set_defaults(func=cmd_disable)
    reset = actions.add_parser("reset-2fa", help="重置两步验证，打印新的设置链接")
    reset.add_argument("name")
    reset.add_argument("--base-url", default=DEFAULT_BASE_URL, help="工作台的网址（用于生成链接）")
    reset.set_defaults(func=cmd_reset_2fa)
    listing = actions.add_parser("list", help="列出全部账户、角色和状态")
    listing.set_defaults(func=cmd_list)
