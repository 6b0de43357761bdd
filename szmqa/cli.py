"""The ``szmqa`` command: check content, scaffold notices, write demo data, build, serve."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from award.advice import content_warnings, warning_lines
from award.calendar import today
from award.categories import Category
from award.content import load_content, load_notice
from award.errors import AwardError
from award.models import NoticeKind
from award.problems import ContentError
from award.publication import HELD_HEADING, held_back
from award.stages import Stage
from szmqa import (
    admin_tokens,
    audit_ballot,
    backup,
    database,
    demo_votes,
    doctor,
    hooks,
    publish,
    purge,
    restore,
    rotate_keys,
    staff,
)
from szmqa.assets import asset_problems
from szmqa.demo import write_demo
from szmqa.notices import new_notice
from szmqa.publish import build_moment
from vote_api.schema import SchemaError
from vote_api.voting.ballot_log.copies import FOLDER as COPIES_FOLDER
from vote_api.voting.ballot_log.copies import write_key

DEFAULT_DEMO_DIR = Path("var/demo")
DEFAULT_SITE_DIR = Path("var/site")


def cmd_check(args: argparse.Namespace) -> int:
    """Check every year file and notice against the award's rules."""
    roots = [args.docs] + ([args.demo_dir] if args.demo_dir else [])
    problems = asset_problems(args.docs.parent, (args.docs.name, "overrides"))
    try:
        content = load_content(roots, allow_demo=args.demo_dir is not None)
    except ContentError as error:
        raise ContentError([*error.problems, *problems]) from None
    if problems:
        raise ContentError(problems)
    print(f"检查通过：{len(content.years)} 个年度文件，{len(content.notices)} 个通知。")
    for line in warning_lines(content_warnings(content)):
        print(line)
    waiting = held_back(content, build_day())
    if waiting:
        print(HELD_HEADING)
    for line in waiting:
        print(f"  {line}")
    return 0


def cmd_new_notice(args: argparse.Namespace) -> int:
    """Scaffold a notice file, computing a publicity window's end in working days."""
    path = new_notice(
        args.docs,
        title=args.title,
        published=args.date,
        slug=args.slug,
        kind=NoticeKind(args.kind),
        year=args.year,
        stage=Stage(args.stage) if args.stage else None,
        start=args.start,
        working_days=args.working_days,
        objections=args.objections,
        category=Category(args.category) if args.category else None,
        ballots=tuple(args.ballot),
    )
    notice, problems = load_notice(path)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"已创建 {path}")
    if notice is not None and notice.window is not None:
        print(f"公示期：{notice.window.describe()}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Write the fictional demo award year dated around a day."""
    folder = write_demo(args.out, args.today)
    print(f"演示数据已写入 {folder}")
    return 0


def build_site(site_dir: Path, demo_dir: Path | None) -> None:
    """Build the site with MkDocs (strict), with the demo content if given."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env["SZMQA_DEMO_DIR"] = str(demo_dir.resolve()) if demo_dir else ""
    # The service's copies of the ballot logs' checkpoints, published with the site.
    data_dir = Path(os.environ.get("SZMQA_DATA_DIR", "var"))
    env.setdefault("SZMQA_BALLOT_LOG_DIR", str((data_dir / COPIES_FOLDER).resolve()))
    # Not --quiet: it hides warnings from --strict too, and a broken link would pass.
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_dir)]
    if subprocess.run(command, env=env, check=False).returncode != 0:
        raise AwardError("站点构建失败，见上方信息")


def publish_log_key() -> None:
    """Write the ballot log's public key where the site build finds it (before the first build)."""
    from vote_api.core.checkpoint import verifier_key
    from vote_api.core.keys import log_signing_key
    from vote_api.core.settings import Settings

    settings = Settings()
    key = verifier_key(settings.log_name, log_signing_key(settings))
    write_key(settings.data_dir / COPIES_FOLDER, key)


def build_day() -> date:
    """The day the build treats as today: that of SZMQA_NOW if set (tests), else today."""
    return build_moment().date()


def cmd_build(args: argparse.Namespace) -> int:
    """Build the static site into a folder."""
    demo_dir = write_demo(args.demo_dir, build_day()) if args.demo else None
    build_site(args.site, demo_dir)
    print(f"站点已构建到 {args.site}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Build the site and serve it with the vote service on one port."""
    demo_dir = write_demo(args.demo_dir, build_day()) if args.demo else None
    publish_log_key()
    build_site(args.site, demo_dir)
    import uvicorn

    from vote_api.core.serving import server_limits
    from vote_api.core.settings import Settings
    from vote_api.main import create_app

    overrides: dict[str, Any] = {"site_dir": args.site.resolve()}
    if demo_dir is not None:
        overrides["demo_dir"] = demo_dir.resolve()
    settings = Settings(**overrides)
    if settings.environment == "production":
        doctor.refuse_on_blockers(settings)
    app = create_app(settings)
    base_url = f"http://{args.host}:{args.port}"
    print(f"站点与投票服务：{base_url}/")
    print(f"秘书处工作台：{base_url}/admin/")
    if demo_dir is not None:  # a demo account for the demo only: production starts create none
        from vote_api.core.state import core_state

        for ballot_id in demo_votes.seed_closed_ballots(app):
            print(f"演示投票 {ballot_id}（已截止）写入了虚构的选票及其投票日志，可审计：")
            print(f"  szmqa audit-ballot {base_url}/api/ballots/{ballot_id}")
        link = staff.demo_enrolment(core_state(app).db, base_url)
        print(f"演示账户“{staff.DEMO_NAME}”（管理员）：打开 {link}")
        print("  用验证器扫描二维码（或手动输入密钥）、设置密码后即可登录工作台。")
    # No access log: it would record every visitor's address (personal data).
    # No access log (it would record visitors' addresses); no proxy headers: the app itself
    # decides, from SZMQA_TRUSTED_PROXIES, whether to believe X-Forwarded-For.
    # Bounded request heads, idle connections and concurrency (vote_api/core/serving.py).
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="info",
        access_log=False,
        proxy_headers=False,
        **server_limits(),
    )
    return 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写作 2026-11-20，而不是“{text}”") from None


def parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    root = argparse.ArgumentParser(
        prog="szmqa", description="深圳市市长质量奖：内容检查、通知、构建与服务"
    )
    sub = root.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="按奖项规则检查全部年度数据和通知，不构建站点")
    check.add_argument("--docs", type=Path, default=Path("docs"), help="内容目录（默认 docs）")
    check.add_argument("--demo-dir", type=Path, default=None, help="同时检查的演示数据目录")
    check.set_defaults(func=cmd_check)

    notice = sub.add_parser("new-notice", help="新建通知文件；公示期按工作日自动计算截止日期")
    notice.add_argument("--title", required=True, help="通知标题")
    notice.add_argument("--slug", required=True, help="文件名后缀，如 publicity")
    notice.add_argument("--date", type=_date, default=today(), help="发布日期（默认今天）")
    notice.add_argument("--kind", choices=[k.value for k in NoticeKind], default="announcement")
    notice.add_argument("--year", type=int, help="年度（公布名单时必填）")
    notice.add_argument("--stage", choices=[s.value for s in Stage], help="公布的阶段名单")
    notice.add_argument("--start", type=_date, help="公示开始日期（默认发布日期）")
    notice.add_argument("--working-days", type=int, help="公示工作日数（默认 5）")
    notice.add_argument("--objections", action="store_true", help="公示期间开放异议")
    notice.add_argument(
        "--category", choices=[c.value for c in Category], help="只公布某一类别的名单"
    )
    notice.add_argument(
        "--ballot", action="append", default=[], help="通知涉及的网络投票编号（可重复）"
    )
    notice.add_argument("--docs", type=Path, default=Path("docs"))
    notice.set_defaults(func=cmd_new_notice)

    demo = sub.add_parser("demo", help="写入演示年度数据（虚构）")
    demo.add_argument("--out", type=Path, default=DEFAULT_DEMO_DIR)
    demo.add_argument("--today", type=_date, default=today())
    demo.set_defaults(func=cmd_demo)

    for name, func, text in (
        ("build", cmd_build, "构建静态站点"),
        ("serve", cmd_serve, "构建站点并在同一端口提供站点与投票服务"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("--demo", action="store_true", help="包含演示数据")
        command.add_argument("--demo-dir", type=Path, default=DEFAULT_DEMO_DIR)
        command.add_argument("--site", type=Path, default=DEFAULT_SITE_DIR)
        if name == "serve":
            command.add_argument("--host", default="127.0.0.1")
            command.add_argument("--port", type=int, default=8000)
        command.set_defaults(func=func)
    admin_tokens.register(sub)
    database.register(sub)
    rotate_keys.register(sub)
    purge.register(sub)
    publish.register(sub)
    hooks.register(sub)
    staff.register(sub)
    doctor.register(sub)
    backup.register(sub)
    restore.register(sub)
    audit_ballot.register(sub)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; content or settings problems print as a list and exit with status 1."""
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except AwardError as error:
        print(error, file=sys.stderr)
        return 1
    except SchemaError as error:
        print(error, file=sys.stderr)
        return 1
    except ValidationError as error:
        if error.title != "Settings":
            raise
        print("配置有误（环境变量 SZMQA_*）：", file=sys.stderr)
        for item in error.errors():
            where = ".".join(str(part) for part in item["loc"]) or "设置"
            print(f"  - {where}: {item['msg']}", file=sys.stderr)
        return 1
