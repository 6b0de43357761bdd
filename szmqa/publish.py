"""Publishing: check the content, build a new release, switch the live link atomically, roll back.

Layout under the publish folder (``SZMQA_PUBLISH_DIR``, default ``var/publish``)::

    releases/<version>/site/      the built site
    releases/<version>/content/   the award years and notices it was built from (for the service)
    current -> releases/<version> the live release: a symlink, replaced in one rename

The service reads ``current/site`` and ``current/content``; every request resolves the link
anew, so a reader gets either the old release or the new one, never half of one.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from award.content import NOTICES_FOLDER, YEARS_FOLDER, load_content
from award.errors import AwardError

RELEASES = "releases"
CURRENT = "current"
DEFAULT_KEEP = 5
DEFAULT_PUBLISH_DIR = Path(os.environ.get("SZMQA_PUBLISH_DIR", "var/publish"))


@dataclass(frozen=True)
class Timings:
    """Seconds spent in each step of a publish."""

    check: float
    build: float
    switch: float

    def describe(self) -> str:
        """The timings in words."""
        return f"检查 {self.check:.2f} 秒，构建 {self.build:.2f} 秒，切换 {self.switch * 1000:.1f} 毫秒"


def releases(root: Path) -> list[Path]:
    """The finished releases, oldest first (names sort by time)."""
    folder = root / RELEASES
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def live_release(root: Path) -> Path | None:
    """The release the live link points to, if any."""
    link = root / CURRENT
    if not link.is_symlink():
        return None
    return (root / os.readlink(link)).resolve()


def switch_to(root: Path, release: Path) -> None:
    """Point the live link at a release in one atomic rename (a new symlink replaces the old)."""
    temporary = root / f".{CURRENT}-{os.getpid()}-{time.monotonic_ns()}"
    temporary.symlink_to(release.relative_to(root))
    os.replace(temporary, root / CURRENT)
    directory = os.open(root, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename survives a power cut
    finally:
        os.close(directory)


def prune(root: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` releases (never the live one); return those removed."""
    live = live_release(root)
    removed = []
    for release in releases(root)[: max(0, len(releases(root)) - keep)]:
        if release.resolve() != live:
            shutil.rmtree(release)
            removed.append(release)
    return removed


@contextlib.contextmanager
def publish_lock(root: Path) -> Iterator[None]:
    """One publish at a time per publish folder (two pushes in a row wait for each other)."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def version_name(docs: Path) -> str:
    """A release name: the UTC time and a digest of the content it is built from."""
    digest = hashlib.sha256()
    for folder in (YEARS_FOLDER, NOTICES_FOLDER):
        for path in sorted((docs / folder).glob("*")):
            if path.is_file():
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{digest.hexdigest()[:10]}"


def build_into(site: Path, source: Path, demo_dir: Path | None = None) -> None:
    """Run ``mkdocs build --strict`` of the sources in ``source`` into ``site``."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SZMQA_DEMO_DIR=str(demo_dir or ""))
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(site)]
    if subprocess.run(command, cwd=source, env=env, check=False).returncode != 0:
        raise AwardError("站点构建失败（见上方信息），网站未发布，仍为上一版本")


def publish(
    source: Path, root: Path, *, keep: int = DEFAULT_KEEP, demo_dir: Path | None = None
) -> tuple[Path, Timings]:
    """Check, build into a new release, switch the live link, prune; the live site is untouched on failure.

    ``demo_dir`` is for a demo deployment only: its content is checked, built and kept in the
    release's ``demo/`` folder; without it any content marked demo is refused.
    """
    source, root = source.resolve(), root.resolve()
    docs = source / "docs"
    demo_dir = demo_dir.resolve() if demo_dir else None
    started = time.perf_counter()
    roots = [docs] + ([demo_dir] if demo_dir else [])
    load_content(roots, allow_demo=demo_dir is not None)  # raises ContentError: every problem
    checked = time.perf_counter()
    with publish_lock(root):
        (root / RELEASES).mkdir(parents=True, exist_ok=True)
        name = version_name(docs)
        staging = root / RELEASES / f".building-{name}"
        try:
            build_into(staging / "site", source, demo_dir)
            for origin, kept in ((docs, "content"), (demo_dir, "demo")):
                if origin is None:
                    continue
                for folder in (YEARS_FOLDER, NOTICES_FOLDER):
                    if (origin / folder).is_dir():
                        shutil.copytree(origin / folder, staging / kept / folder)
                    else:
                        (staging / kept / folder).mkdir(parents=True)
            release = root / RELEASES / name
            staging.rename(release)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        built = time.perf_counter()
        switch_to(root, release)
        switched = time.perf_counter()
        prune(root, keep)
    return release, Timings(checked - started, built - checked, switched - built)


def rollback(root: Path) -> Path:
    """Point the live link back at the release before the live one."""
    root = root.resolve()
    with publish_lock(root):
        live = live_release(root)
        older = [r for r in releases(root) if live is None or r.name < live.name]
        if not older:
            raise AwardError(f"{root} 中没有比当前版本更早的版本，无法回退")
        switch_to(root, older[-1])
        return older[-1]


def cmd_publish(args: argparse.Namespace) -> int:
    """Publish the content (or roll back to the previous release)."""
    if args.rollback:
        release = rollback(args.root)
        print(f"已回退到版本 {release.name}（{args.root / CURRENT}）")
        return 0
    release, timings = publish(args.source, args.root, keep=args.keep, demo_dir=args.demo_dir)
    print(f"已发布版本 {release.name}：{timings.describe()}")
    print(f"网站：{args.root / CURRENT / 'site'}，内容：{args.root / CURRENT / 'content'}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``szmqa publish`` to the command line."""
    command = sub.add_parser(
        "publish", help="检查内容、构建新版本并原子切换为正式网站；--rollback 回退到上一版本"
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
    command.add_argument("--rollback", action="store_true", help="回退到上一版本")
    command.add_argument(
        "--demo-dir", type=Path, default=None, help="仅用于演示部署：同时发布的演示数据目录"
    )
    command.set_defaults(func=cmd_publish)
