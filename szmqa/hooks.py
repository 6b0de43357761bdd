"""Git server hooks: pre-receive refuses content that breaks the rules, post-receive publishes.

``szmqa install-hooks PATH`` writes both into a bare repository. Each hook exports the pushed
commit's files into a temporary folder and runs the same check and publish as the command line;
what they print reaches the person pushing as ``remote:`` lines.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shlex
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from award.advice import content_warnings, warning_lines
from award.content import load_content
from award.errors import AwardError
from award.problems import ContentError
from szmqa.publish import DEFAULT_KEEP, publish

HOOK_TEMPLATE = """#!/bin/sh
# Installed by `szmqa install-hooks`: {purpose}
exec {python} -m szmqa.hooks {hook} --branch {branch} --root {root} --keep {keep}
"""


def updates(lines: Iterable[str], branch: str) -> list[str]:
    """The new commits pushed to the branch (deletions skipped), from the hook's standard input."""
    wanted = f"refs/heads/{branch}"
    found = []
    for line in lines:
        parts = line.split()
        if len(parts) == 3 and parts[2] == wanted and parts[1].strip("0"):
            found.append(parts[1])
    return found


def export(commit: str, target: Path) -> Path:
    """Write the files of a commit (from the repository the hook runs in) into ``target``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    """Work in a folder, so problems name files as in the repository (docs/awards/2026.yml)."""
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def say(text: str) -> None:
    """Print a line to the person pushing (git shows the hook's output as remote: lines)."""
    print(text, file=sys.stderr, flush=True)


def pre_receive(lines: Iterable[str], branch: str) -> int:
    """Refuse the push (exit 1) if the pushed content breaks any rule; print every problem."""
    for commit in updates(lines, branch):
        with (
            tempfile.TemporaryDirectory(prefix="szmqa-check-") as folder,
            inside(export(commit, Path(folder))),
        ):
            try:
                content = load_content([Path("docs")], allow_demo=False)
            except ContentError as error:
                say(f"推送被拒绝：{commit[:10]} 的内容未通过检查，网站没有发布。")
                say(f"共 {len(error.problems)} 处问题（文件: 条目: 说明 [规则]）：")
                for problem in error.problems:
                    say(f"  - {problem}")
                say("请在本机修改后运行 szmqa check，通过后重新提交并推送。")
                return 1
            except AwardError as error:
                say(f"推送被拒绝：{error}")
                return 1
            say(f"内容检查通过：{len(content.years)} 个年度文件，{len(content.notices)} 个通知。")
            for line in warning_lines(content_warnings(content)):
                say(line)
    return 0


def post_receive(lines: Iterable[str], branch: str, root: Path, keep: int) -> int:
    """Publish the newest pushed commit of the branch; report the release and its timings."""
    pushed = updates(lines, branch)
    if not pushed:
        return 0
    with tempfile.TemporaryDirectory(prefix="szmqa-publish-") as folder:
        source = export(pushed[-1], Path(folder))
        try:
            with inside(source):
                release, timings = publish(source, root, keep=keep)
        except AwardError as error:
            say(f"发布失败，正式网站仍为上一版本：{error}")
            return 1
    say(f"已发布版本 {release.name}（{timings.describe()}）。")
    return 0


def install(repository: Path, root: Path, branch: str, keep: int) -> list[Path]:
    """Write pre-receive and post-receive into a bare repository's hooks folder."""
    hooks = repository / "hooks"
    if not (repository / "HEAD").is_file() or not hooks.is_dir():
        raise AwardError(
            f"{repository} 不是 git 裸仓库（应含 HEAD 与 hooks/，可用 git init --bare 创建）"
        )
    written = []
    for hook, purpose in (
        ("pre-receive", "refuse content that breaks the award's rules"),
        ("post-receive", "publish the pushed content"),
    ):
        path = hooks / hook
        path.write_text(
            HOOK_TEMPLATE.format(
                purpose=purpose,
                python=shlex.quote(sys.executable),
                hook=hook,
                branch=shlex.quote(branch),
                root=shlex.quote(str(root.resolve())),
                keep=keep,
            ),
            encoding="utf-8",
        )
        path.chmod(0o755)
        written.append(path)
    return written


def cmd_install_hooks(args: argparse.Namespace) -> int:
    """Install the hooks into a bare repository."""
    for path in install(args.repository, args.root, args.branch, args.keep):
        print(f"已安装 {path}")
    print(f"推送到 {args.branch} 分支时检查内容，通过后发布到 {args.root.resolve()}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``szmqa install-hooks`` to the command line."""
    command = sub.add_parser(
        "install-hooks", help="在 git 裸仓库中安装推送检查（pre-receive）与发布（post-receive）钩子"
    )
    command.add_argument("repository", type=Path, help="git 裸仓库路径")
    command.add_argument(
        "--root",
        type=Path,
        default=Path(os.environ.get("SZMQA_PUBLISH_DIR", "var/publish")),
        help="发布目录（默认 SZMQA_PUBLISH_DIR 或 var/publish）",
    )
    command.add_argument("--branch", default="main", help="发布的分支（默认 main）")
    command.add_argument("--keep", type=int, default=DEFAULT_KEEP, help="保留的版本数（默认 5）")
    command.set_defaults(func=cmd_install_hooks)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the installed hooks: ``python -m szmqa.hooks pre-receive|post-receive``."""
    parser = argparse.ArgumentParser(prog="szmqa-hook")
    parser.add_argument("hook", choices=["pre-receive", "post-receive"])
    parser.add_argument("--branch", default="main")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--keep", type=int, default=DEFAULT_KEEP)
    args = parser.parse_args(argv)
    lines = sys.stdin.read().splitlines()
    if args.hook == "pre-receive":
        return pre_receive(lines, args.branch)
    return post_receive(lines, args.branch, args.root, args.keep)


if __name__ == "__main__":
    raise SystemExit(main())
