"""``szmqa db upgrade|current``: the service database's schema, by its Alembic revisions."""

from __future__ import annotations

import argparse
from typing import Any

from vote_api.core.db import Database
from vote_api.core.settings import Settings
from vote_api.schema import SchemaError, pending_revisions, schema_state, upgrade


def open_database() -> Database:
    """The service's database (SZMQA_DATABASE_URL), brought to the code's schema."""
    database = Database(Settings().database_url)
    try:
        upgrade(database.engine)
    except BaseException:
        database.close()
        raise
    return database


def cmd_upgrade(args: argparse.Namespace) -> int:
    """Bring the database to the newest revision and say what was applied."""
    database = Database(Settings().database_url)
    try:
        before, applied = upgrade(database.engine)
    finally:
        database.close()
    if not applied:
        print(f"数据库已是最新结构（版本 {before.head}），无需升级。")
        return 0
    origin = (
        "0.1.0 版建立的数据库（已标记为 0001）" if before.legacy else before.current or "空数据库"
    )
    print(f"已从 {origin} 升级到版本 {before.head}：依次应用 {', '.join(applied)}。")
    return 0


def cmd_current(args: argparse.Namespace) -> int:
    """Say which revision the database is at, and whether an upgrade is due."""
    database = Database(Settings().database_url)
    try:
        state = schema_state(database.engine)
    finally:
        database.close()
    if state.at_head:
        print(f"数据库结构版本 {state.current}（最新）。")
        return 0
    where = "0.1.0 版建立，尚无版本记录" if state.legacy else state.current or "空数据库"
    try:
        pending = ", ".join(pending_revisions(state))
    except Exception:
        pending = "?"
    print(
        f"数据库结构版本：{where}；本程序为 {state.head}，待应用：{pending}。运行 szmqa db upgrade 升级。"
    )
    return 1


def register(sub: Any) -> None:
    """Add the ``db`` command to the ``szmqa`` subcommands."""
    command = sub.add_parser("db", help="数据库结构：upgrade 升级到最新版本、current 查看当前版本")
    actions = command.add_subparsers(dest="action", required=True)
    actions.add_parser(
        "upgrade", help="升级到最新结构（PostgreSQL 整体在一个事务中；SQLite 先备份）"
    ).set_defaults(func=cmd_upgrade)
    actions.add_parser("current", help="显示当前结构版本；不是最新时退出码为 1").set_defaults(
        func=cmd_current
    )


__all__ = ["SchemaError", "open_database", "register"]
