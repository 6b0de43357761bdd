"""``szmqa doctor``: a Chinese checklist of the production set-up; exit 1 on any blocker.

The service runs the same checks when it starts with ``SZMQA_ENVIRONMENT=production`` and
refuses to start on a blocker (``refuse_on_blockers``), with uvicorn's start-failure status so
that its supervisor stops instead of restarting the workers forever.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from award.calendar import now as current_time
from szmqa.doctor_checks import (
    Finding,
    content_findings,
    data_findings,
    environment_findings,
    key_findings,
    log_name_findings,
    publish_findings,
    site_url_findings,
    worker_findings,
)
from vote_api.core.settings import Settings

#: uvicorn's exit status for a worker that could not start: its supervisor stops, not restarts.
STARTUP_FAILURE = 3


def read_settings() -> tuple[Settings, bool]:
    """The settings from the environment, and whether production refused them for the keys."""
    try:
        return Settings(), False
    except ValidationError as error:
        if not all("_KEY must be set" in str(item["msg"]) for item in error.errors()):
            raise
        # Every other check still runs: read the rest as if the keys were not required.
        return Settings(environment="development"), True


def diagnose(
    settings: Settings,
    *,
    env_file: Path | None = None,
    now: datetime | None = None,
    keys_missing: bool = False,
) -> list[Finding]:
    """Every finding about a set-up, blockers and warnings alike."""
    moment = now or current_time()
    published, recorded_url = publish_findings(settings)
    return [
        *([] if keys_missing else environment_findings(settings)),
        *key_findings(settings, env_file, keys_missing),
        *data_findings(settings),
        *worker_findings(settings),
        *site_url_findings(settings, recorded_url),
        *log_name_findings(settings),
        *published,
        *content_findings(settings, moment),
    ]


def report(findings: list[Finding], out: TextIO) -> int:
    """Print the checklist; the number of blockers."""
    blockers = [f for f in findings if f.blocker]
    print("szmqa doctor：上线前检查", file=out)
    for finding in sorted(findings, key=lambda f: (not f.blocker, f.ok)):
        mark = "✗ 阻止上线：" if finding.blocker else ("✓ " if finding.ok else "! 提醒：")
        print(f"  {mark}{finding.text}", file=out)
        if finding.fix:
            print(f"      修正：{finding.fix}", file=out)
    if blockers:
        print(f"{len(blockers)} 项阻止上线：逐项修正后重新运行 szmqa doctor。", file=out)
    else:
        print("没有阻止上线的问题。", file=out)
    return len(blockers)


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check the production set-up; exit 1 on any blocker."""
    settings, keys_missing = read_settings()
    findings = diagnose(settings, env_file=args.env_file, keys_missing=keys_missing)
    return 1 if report(findings, sys.stdout) else 0


def refuse_on_blockers(settings: Settings) -> None:
    """At a production start: print the checklist and exit (start failure) on any blocker."""
    findings = diagnose(settings)
    if any(finding.blocker for finding in findings):
        print("服务未启动：上线检查发现阻止上线的问题。", file=sys.stderr)
        report(findings, sys.stderr)
        raise SystemExit(STARTUP_FAILURE)


def register(sub: Any) -> None:
    """Add the ``doctor`` command to the ``szmqa`` subcommands."""
    command = sub.add_parser(
        "doctor",
        help="检查正式部署的设置（短信网关、网站地址、密钥与数据权限、限流存储、发布仓库与内容），"
        "逐项给出修正办法；有阻止上线的问题时退出码为 1",
    )
    command.add_argument(
        "--env-file",
        type=Path,
        default=None,
        help="服务的环境文件（含密钥），检查其权限是否为 0600",
    )
    command.set_defaults(func=cmd_doctor)
