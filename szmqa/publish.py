"""Publishing: check the sources, build a release, switch the live link atomically, roll back.

A publish is two steps, so that a git hook can refuse a push whose build fails before the
branch moves: ``prepare`` checks and builds into a pending folder (pre-receive), ``promote``
makes it a release and switches the live link (post-receive). ``publish`` does both at once.
A release records what it shows (its key: sources, code, build settings and what is public
that day, award/publication.py): publishing what a kept release already shows builds nothing,
and the scheduled daily publish rebuilds the live release's own sources, so a rollback stays
until the next push. Layout: szmqa/releases.py.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from award.calendar import now as current_time
from award.content import NOTICES_FOLDER, YEARS_FOLDER, load_content
from award.errors import AwardError
from award.models import Content
from award.moments import SHANGHAI, to_moment
from award.problems import ContentError, Problem
from award.publication import public_state
from szmqa.assets import asset_problems
from szmqa.releases import (
    CURRENT,
    PENDING,
    RELEASES,
    ReleaseInfo,
    live_release,
    prune,
    publish_lock,
    read_info,
    rollback,
    same_key,
    switch_to,
)
from szmqa.site_sources import (
    build_settings,
    code_digest,
    copy_sources,
    missing_sources,
    site_url_problem,
    sources_digest,
)

DEFAULT_KEEP = 5
DEFAULT_PUBLISH_DIR = Path(os.environ.get("SZMQA_PUBLISH_DIR", "var/publish"))
#: Lines of the build's own output repeated in a refusal, and the lines left out.
BUILD_LINES = 30
BUILD_NOISE = ("INFO", "Building prefix dict", "Loading model", "Prefix dict", "Dumping model")


@dataclass(frozen=True)
class Timings:
    """Seconds spent in each step of a publish."""

    check: float
    build: float
    switch: float

    def describe(self) -> str:
        """The timings in words."""
        return f"检查 {self.check:.2f} 秒，构建 {self.build:.2f} 秒，切换 {self.switch * 1000:.1f} 毫秒"


@dataclass(frozen=True)
class Prepared:
    """A checked build waiting to go live, or a kept release that already shows the same."""

    info: ReleaseInfo
    #: The new build (a pending folder), or None when ``existing`` shows the same.
    staging: Path | None
    existing: Path | None
    check: float
    build: float


def build_moment() -> datetime:
    """The moment a build treats as now: SZMQA_NOW if set (tests, previews), else the clock."""
    text = os.environ.get("SZMQA_NOW", "").strip()
    return to_moment(text) if text else current_time()


def missing_message(missing: list[str]) -> str:
    """Why sources without the whole site cannot be published, and what to do."""
    return (
        f"仓库须包含整个网站的源文件，缺少：{'、'.join(missing)}。"
        "网站由 mkdocs.yml、overrides/、docs/ 下的指引与页面和 site_plugins/jieba_user_dict.txt "
        "一起构建，只有 docs/awards 与 docs/notices 无法构建。请克隆服务器上的仓库"
        "（szmqa install-hooks 已放入这些文件），在克隆中编辑 docs/awards 与 docs/notices 后推送"
    )


def check_source(source: Path, demo_dir: Path | None = None) -> Content:
    """Check the sources: all there, published files acceptable, content by the award's rules."""
    missing = missing_sources(source)
    if missing:
        raise AwardError(missing_message(missing))
    problems: list[Problem] = asset_problems(source)
    roots = [source / "docs"] + ([demo_dir] if demo_dir else [])
    try:
        content = load_content(roots, allow_demo=demo_dir is not None)
    except ContentError as error:
        problems += error.problems
    if problems:
        raise ContentError(problems)
    return content


def release_key(
    source: Path, content: Content, settings: dict[str, str], demo_dir: Path | None
) -> tuple[str, str]:
    """(key, sources digest): the key changes with anything a build would show differently."""
    sources = sources_digest(source, demo_dir)
    digest = hashlib.sha256()
    for part in (sources, code_digest(), repr(sorted(settings.items()))):
        digest.update(part.encode() + b"\0")
    digest.update(public_state(content, build_moment()).encode())
    return digest.hexdigest(), sources


def build_into(site: Path, source: Path, demo_dir: Path | None, settings: dict[str, str]) -> None:
    """Run ``mkdocs build --strict`` of ``source`` into ``site``; its messages in the error."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SZMQA_DEMO_DIR=str(demo_dir or ""))
    env.update(settings)
    # Not --quiet: it hides warnings from --strict too, and a broken link would be published.
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)]
    result = subprocess.run(
        command, cwd=source, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).splitlines()
        lines = [line for line in output if line.strip() and not line.startswith(BUILD_NOISE)]
        shown = "\n".join(f"    {line}" for line in lines[-BUILD_LINES:])
        raise AwardError(f"网站构建失败，网站未发布，仍为上一版本。构建的信息：\n{shown}")


def prepare(
    source: Path,
    root: Path,
    *,
    made_by: str,
    commit: str | None = None,
    demo_dir: Path | None = None,
    settings: dict[str, str] | None = None,
    content: Content | None = None,
    pending: str | None = None,
) -> Prepared:
    """Check and build into a pending folder; nothing live changes. Same as a kept release: no build."""
    source, root = source.resolve(), root.resolve()
    started = time.perf_counter()
    if content is None:
        content = check_source(source, demo_dir)
    settings = build_settings(source) if settings is None else settings
    key, sources = release_key(source, content, settings, demo_dir)
    info = ReleaseInfo(
        key=key,
        sources=sources,
        day=build_moment().astimezone(SHANGHAI).date().isoformat(),
        site_url=settings.get("SITE_URL", ""),
        made_by=made_by,
        commit=commit,
    )
    checked = time.perf_counter()
    existing = same_key(root, key)
    if existing is not None:
        return Prepared(info, None, existing, checked - started, 0.0)
    staging = root / RELEASES / f"{PENDING}{pending or uuid.uuid4().hex}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        copy_sources(source, staging / "source")
        build_into(staging / "site", staging / "source", demo_dir, settings)
        origins = [(source / "docs", "content")] + ([(demo_dir, "demo")] if demo_dir else [])
        for origin, kept in origins:
            for folder in (YEARS_FOLDER, NOTICES_FOLDER):
                if (origin / folder).is_dir():
                    shutil.copytree(origin / folder, staging / kept / folder)
                else:
                    (staging / kept / folder).mkdir(parents=True)
        info.write(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Prepared(info, staging, None, checked - started, time.perf_counter() - checked)


def version_name(sources: str) -> str:
    """A release name: the UTC time and the start of its sources' digest."""
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}-{sources[:10]}"


def promote(
    root: Path, prepared: Prepared, keep: int, *, only_if_live: Path | None = None
) -> tuple[Path | None, float]:
    """Make a prepared build the live release (or switch to the kept one showing the same).

    With ``only_if_live``, nothing changes unless that release is still live (a scheduled
    rebuild never undoes a push that went live while it was building). Returns the live
    release (None when discarded) and the seconds the switch took.
    """
    root = root.resolve()
    with publish_lock(root):
        started = time.perf_counter()
        live = live_release(root)
        if only_if_live is not None and live != only_if_live.resolve():
            if prepared.staging is not None:
                shutil.rmtree(prepared.staging, ignore_errors=True)
            return None, 0.0
        if prepared.staging is None:
            assert prepared.existing is not None
            if prepared.existing != live:
                switch_to(root, prepared.existing)
            return prepared.existing, time.perf_counter() - started
        info = replace(prepared.info, parent=live.name if live else None)
        info.write(prepared.staging)
        release = root / RELEASES / version_name(info.sources)
        prepared.staging.rename(release)
        switch_to(root, release)
        switched = time.perf_counter() - started
        prune(root, keep)
    return release, switched


def publish(
    source: Path,
    root: Path,
    *,
    keep: int = DEFAULT_KEEP,
    demo_dir: Path | None = None,
    made_by: str = "publish",
) -> tuple[Path, Timings, bool]:
    """Check, build, switch, prune; the live site is untouched on failure.

    Returns the live release, the timings, and whether anything changed (False: a kept
    release already showed exactly this). ``demo_dir`` is for a demo deployment only.
    """
    demo_dir = demo_dir.resolve() if demo_dir else None
    prepared = prepare(source, root, made_by=made_by, demo_dir=demo_dir)
    before = live_release(root.resolve())
    release, switched = promote(root, prepared, keep)
    assert release is not None
    return release, Timings(prepared.check, prepared.build, switched), release != before


def publish_scheduled(root: Path, *, keep: int = DEFAULT_KEEP) -> tuple[Path, bool]:
    """Rebuild the live release's own sources as of today (lists whose day has come go out).

    The live release's sources, not the newest push: a rollback stays until the next push.
    Nothing is built when today's build would show what the live release shows.
    """
    root = root.resolve()
    live = live_release(root)
    if live is None:
        raise AwardError(f"{root} 中还没有正式网站：请先推送，或运行 szmqa publish")
    info = read_info(live)
    if info is None or not (live / "source").is_dir():
        raise AwardError(
            f"正式网站的版本 {live.name} 没有保存它的网站源文件（由旧版本的 szmqa 发布）："
            "请推送一次或运行 szmqa publish，此后每日定时发布即可按日期重新构建"
        )
    demo = live / "demo" if (live / "demo" / YEARS_FOLDER).is_dir() else None
    settings = build_settings(live / "source") | {"SITE_URL": info.site_url}
    prepared = prepare(
        live / "source",
        root,
        made_by="scheduled",
        commit=info.commit,
        demo_dir=demo,
        settings=settings,
    )
    release, _ = promote(root, prepared, keep, only_if_live=live)
    return release or live_release(root) or live, release is not None and release != live


def site_url_warning(settings: dict[str, str]) -> str | None:
    """A loud warning when the build's SITE_URL would send readers to this machine."""
    problem = site_url_problem(settings.get("SITE_URL", ""))
    if problem is None:
        return None
    return f"注意：{problem}。本次发布的 RSS、日程与页面中的完整链接将指向本机。"


def cmd_publish(args: argparse.Namespace) -> int:
    """Publish the content, rebuild the live release as of today, or roll back."""
    root = args.root
    if args.rollback:
        release = rollback(root)
        info = read_info(release)
        print(f"已回退到版本 {release.name}（{root / CURRENT}），下一次推送之前保持不变。")
        if info is not None and info.day < build_moment().astimezone(SHANGHAI).date().isoformat():
            print(
                f"该版本按 {info.day} 构建：此后到日期的通知与名单在下一次每日定时发布时上线，"
                "或立即运行 szmqa publish --scheduled"
            )
        return 0
    if args.scheduled:
        release, changed = publish_scheduled(root, keep=args.keep)
        if changed:
            print(f"已按今天的日期重新发布：版本 {release.name}")
        else:
            print(f"今天没有新到日期的内容，正式网站仍为版本 {release.name}")
        return 0
    warning = site_url_warning(build_settings(args.source))
    if warning:
        print(warning, file=sys.stderr)
    release, timings, changed = publish(args.source, root, keep=args.keep, demo_dir=args.demo_dir)
    if not changed:
        print(f"内容与正式网站（版本 {release.name}）相同，没有生成新版本")
        return 0
    print(f"已发布版本 {release.name}：{timings.describe()}")
    print(f"网站：{root / CURRENT / 'site'}，内容：{root / CURRENT / 'content'}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``szmqa publish`` to the command line."""
    command = sub.add_parser(
        "publish",
        help="检查内容、构建新版本并原子切换为正式网站；--scheduled 按今天的日期重新构建；"
        "--rollback 回退到上一内容",
    )
    command.add_argument(
        "--source",
        type=Path,
        default=Path("."),
        help="含 mkdocs.yml 与 docs/ 的目录（默认当前目录）",
    )
    command.add_argument(
        "--root",
        type=Path,
        default=DEFAULT_PUBLISH_DIR,
        help="发布目录（默认 SZMQA_PUBLISH_DIR 或 var/publish）：releases/ 与 current 链接",
    )
    command.add_argument("--keep", type=int, default=DEFAULT_KEEP, help="保留的版本数（默认 5）")
    mode = command.add_mutually_exclusive_group()
    mode.add_argument("--rollback", action="store_true", help="回退到上一内容（保持到下一次推送）")
    mode.add_argument(
        "--scheduled",
        action="store_true",
        help="每日定时运行：按今天的日期重新构建正式网站当前的内容，到日期的通知与名单随之上线",
    )
    command.add_argument(
        "--demo-dir", type=Path, default=None, help="仅用于演示部署：同时发布的演示数据目录"
    )
    command.set_defaults(func=cmd_publish)
