"""Git server hooks: pre-receive checks and builds a push to main, post-receive puts it live.

pre-receive refuses, with Chinese lines the person pushing sees as ``remote:``, a push to any
ref but main, a deletion of main, a commit without the whole site's sources, one whose
published files or content break a rule, and one whose build fails: the branch never holds
what is not live. It lists what is held until its date. post-receive switches to the build.
Set-up: szmqa/repository.py (``szmqa install-hooks``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from award.advice import content_warnings, warning_lines
from award.errors import AwardError
from award.problems import ContentError
from award.publication import HELD_HEADING, held_back
from szmqa.publish import (
    DEFAULT_KEEP,
    DEFAULT_PUBLISH_DIR,
    Prepared,
    build_moment,
    check_source,
    missing_message,
    prepare,
    promote,
)
from szmqa.releases import PENDING, RELEASES, live_release, read_info
from szmqa.repository import (
    MAIN_REF,
    bare_repository,
    checked_site_url,
    git,
    has_ref,
    hook_setup,
    record,
    seed,
    use_main,
    write_hooks,
)
from szmqa.site_sources import build_settings, missing_sources

ZERO = "0" * 40


@dataclass(frozen=True)
class Update:
    """One ref a push changes."""

    old: str
    new: str
    ref: str


def updates(lines: Iterable[str]) -> list[Update]:
    """The refs of a push, from the hook's standard input."""
    found = []
    for line in lines:
        parts = line.split()
        if len(parts) == 3:
            found.append(Update(*parts))
    return found


def export(commit: str, target: Path, repository: Path | None = None) -> Path:
    """Write the files of a commit (of the repository the hook runs in) into ``target``."""
    where = [f"--git-dir={repository}"] if repository else []
    archive = subprocess.run(
        ["git", *where, "archive", "--format=tar", commit], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        try:
            tar.extractall(target, filter="data")
        except tarfile.FilterError as error:
            raise AwardError(
                f"{commit[:10]} 含有指向仓库之外的符号链接或特殊文件（{error.tarinfo.name}）："
                "请删除它，放入文件本身后重新提交"
            ) from None
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
    """Print to the person pushing (git shows the hook's output as remote: lines)."""
    for line in text.splitlines() or [""]:
        print(line, file=sys.stderr, flush=True)


def refused_refs(pushed: list[Update]) -> list[str]:
    """Why each ref of a push other than a change of main is refused."""
    reasons = []
    for update in pushed:
        if update.ref != MAIN_REF:
            what = "标签" if update.ref.startswith("refs/tags/") else "分支"
            name = update.ref.removeprefix("refs/heads/").removeprefix("refs/tags/")
            reasons.append(
                f"推送被拒绝：网站只从 main 分支发布，服务器不接受推送到{what} {name}。"
                "请改为推送到 main：git push origin HEAD:main"
            )
        elif update.new == ZERO:
            reasons.append("推送被拒绝：不能删除 main 分支（网站从它发布）")
    return reasons


def rewrites_history(update: Update) -> bool:
    """Whether a push replaces main's history instead of adding to it (a forced push)."""
    if update.old == ZERO:
        return False
    result = subprocess.run(
        ["git", "merge-base", "--is-ancestor", update.old, update.new], check=False
    )
    return result.returncode != 0


def check_push(update: Update, source: Path) -> int | None:
    """Say what is wrong with a pushed commit (exit 1), or None when it may be built."""
    commit = update.new
    missing = missing_sources(source)
    if missing:
        say(f"推送被拒绝：{commit[:10]} {missing_message(missing)}")
        return 1
    if rewrites_history(update):
        say(
            "推送被拒绝：这次推送会改写服务器上 main 分支的历史（强制推送），已发布的记录会丢失。"
            "请先 git pull 合并服务器上的提交再推送；要撤下已发布的内容，请用 git revert 另作一次提交，"
            "或请维护人员在服务器上运行 szmqa publish --rollback"
        )
        return 1
    try:
        content = check_source(source)
    except ContentError as error:
        say(f"推送被拒绝：{commit[:10]} 的内容未通过检查，网站没有发布。")
        say(f"共 {len(error.problems)} 处问题（文件: 条目: 说明 [规则]）：")
        for problem in error.problems:
            say(f"  - {problem}")
        say("请在本机修改后运行 szmqa check，通过后重新提交并推送。")
        return 1
    say(f"内容检查通过：{len(content.years)} 个年度文件，{len(content.notices)} 个通知。")
    for line in warning_lines(content_warnings(content)):
        say(line)
    waiting = held_back(content, build_moment().date())
    if waiting:
        say(HELD_HEADING)
        for line in waiting:
            say(f"  {line}")
    return None


def pre_receive(lines: Iterable[str]) -> int:
    """Refuse (exit 1) a push that is not a good change of main; build the good one."""
    pushed = updates(lines)
    reasons = refused_refs(pushed)
    if reasons:
        for reason in reasons:
            say(reason)
        return 1
    setup = hook_setup(Path.cwd())
    if not setup.root:
        say("推送被拒绝：本仓库的发布设置不完整，请网站维护人员运行 szmqa install-hooks")
        return 1
    if setup.preview:
        say(f"注意：本仓库按本机预览安装，网站地址为 {setup.site_url}，不是正式网站。")
    for update in pushed:
        with (
            tempfile.TemporaryDirectory(prefix="szmqa-push-") as folder,
            inside(export(update.new, Path(folder))),
        ):
            refused = check_push(update, Path(folder))
            if refused is not None:
                return refused
            settings = build_settings(Path(folder)) | {"SITE_URL": setup.site_url}
            try:
                prepared = prepare(
                    Path(folder),
                    Path(setup.root),
                    made_by="push",
                    commit=update.new,
                    settings=settings,
                    pending=update.new,
                )
            except AwardError as error:
                say(
                    f"推送被拒绝：{update.new[:10]} 的网站构建失败，服务器上的仓库与正式网站都没有改变。"
                )
                say(str(error))
                say(
                    "这通常是 mkdocs.yml、overrides/ 或 docs/ 下的页面有误；请把以上信息发给网站维护人员。"
                )
                return 1
        remember_existing(Path(setup.root), update.new, prepared)
    return 0


def remember_existing(root: Path, commit: str, prepared: Prepared) -> None:
    """Tell the person pushing what goes live; note a kept release that shows the same."""
    if prepared.existing is None:
        say(
            f"构建完成（检查 {prepared.check:.2f} 秒，构建 {prepared.build:.2f} 秒），推送完成后上线。"
        )
        return
    (root / RELEASES / f"{PENDING}{commit}.same").write_text(prepared.existing.name, "utf-8")
    if prepared.existing == live_release(root):
        say(f"内容与正式网站（版本 {prepared.existing.name}）相同，不生成新版本。")
    else:
        say(f"内容与保留的版本 {prepared.existing.name} 相同，推送完成后切换到该版本。")


def post_receive(lines: Iterable[str]) -> int:
    """Put the pushed build of main live (built and checked by pre-receive)."""
    setup = hook_setup(Path.cwd())
    root = Path(setup.root)
    for update in updates(lines):
        if update.ref != MAIN_REF or update.new == ZERO:
            continue
        staging = root / RELEASES / f"{PENDING}{update.new}"
        same = staging.with_name(staging.name + ".same")
        existing = None
        if same.is_file():
            existing = root / RELEASES / same.read_text("utf-8").strip()
            same.unlink()
        info = read_info(existing or staging)
        if info is None:
            say("发布失败：找不到推送时的构建，正式网站仍为上一版本。请网站维护人员查看发布目录。")
            return 1
        before = live_release(root)
        prepared = Prepared(info, None if existing else staging, existing, 0.0, 0.0)
        release, switched = promote(root, prepared, setup.keep)
        if release == before:
            continue  # the same as the live site: said in pre-receive
        assert release is not None
        say(f"已发布版本 {release.name}（切换 {switched * 1000:.1f} 毫秒）。")
    return 0


def cmd_install_hooks(args: argparse.Namespace) -> int:
    """Set a bare repository up for publishing (see szmqa/repository.py)."""
    repository = bare_repository(args.repository)
    site_url, warning = checked_site_url(
        args.site_url or os.environ.get("SITE_URL", ""), preview=args.preview
    )
    if warning:
        print(warning, file=sys.stderr)
    root = args.root.resolve()
    renamed = use_main(repository)
    if renamed:
        print(renamed)
    record(repository, root, site_url, args.keep, args.preview)
    for path in write_hooks(repository):
        print(f"已安装 {path}")
    if has_ref(repository, MAIN_REF):
        missing = main_missing(repository)
        if missing:
            print(f"注意：main 分支{missing_message(missing)}", file=sys.stderr)
    elif args.no_seed:
        print("main 分支为空：第一次推送须包含整个网站（mkdocs.yml、overrides/、docs/…）")
    else:
        commit = seed(repository)
        if commit is None:
            print(
                "注意：未找到网站源文件，第一次推送须包含整个网站（mkdocs.yml、overrides/、docs/…）"
            )
        else:
            print(
                f"已在 main 分支放入网站源文件（{commit[:10]}）。秘书处：git clone {repository}，"
            )
            print("在克隆中编辑 docs/awards 与 docs/notices，提交后 git push（见 PUBLISHING.md）")
    publish_head(repository, root, site_url, args.keep)
    print(f"推送到 main 分支时检查并构建，通过后发布到 {root}；网站地址 {site_url}")
    print(
        f"每日定时发布（让到日期的通知与名单上线）：{Path(sys.executable).parent / 'szmqa'} publish --scheduled --root {root}"
    )
    return 0


def main_missing(repository: Path) -> list[str]:
    """The required site sources absent from the tip of main."""
    with tempfile.TemporaryDirectory(prefix="szmqa-main-") as folder:
        commit = git(repository, "rev-parse", MAIN_REF)
        return missing_sources(export(commit, Path(folder), repository))


def publish_head(repository: Path, root: Path, site_url: str, keep: int) -> None:
    """Publish main when nothing is live yet, so the repository and the site agree from the start."""
    if live_release(root) is not None or not has_ref(repository, MAIN_REF):
        return
    commit = git(repository, "rev-parse", MAIN_REF)
    with tempfile.TemporaryDirectory(prefix="szmqa-install-") as folder:
        source = export(commit, Path(folder), repository)
        try:
            settings = build_settings(source) | {"SITE_URL": site_url}
            with inside(source):
                prepared = prepare(
                    source, root, made_by="install", commit=commit, settings=settings
                )
        except AwardError as error:
            print(f"注意：main 分支现有内容未能发布，修正后推送即发布：\n{error}", file=sys.stderr)
            return
    release, _ = promote(root, prepared, keep)
    print(f"已发布 main 分支（{commit[:10]}）：版本 {release.name if release else '—'}")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``szmqa install-hooks`` to the command line."""
    command = sub.add_parser(
        "install-hooks",
        help="把 git 裸仓库设为发布仓库：main 分支、推送检查与构建（pre-receive）、发布（post-receive）",
    )
    command.add_argument("repository", type=Path, help="git 裸仓库路径（git init --bare 创建）")
    command.add_argument(
        "--root",
        type=Path,
        default=DEFAULT_PUBLISH_DIR,
        help="发布目录（默认 SZMQA_PUBLISH_DIR 或 var/publish）",
    )
    command.add_argument(
        "--site-url",
        default="",
        help="正式网站地址，如 https://szmqa.example.gov.cn/（默认 SITE_URL）",
    )
    command.add_argument(
        "--preview", action="store_true", help="只在本机试用：允许本机地址作为网站地址"
    )
    command.add_argument(
        "--no-seed",
        action="store_true",
        help="空仓库也不放入网站源文件（第一次推送自带整个网站的历史时用）",
    )
    command.add_argument("--keep", type=int, default=DEFAULT_KEEP, help="保留的版本数（默认 5）")
    command.set_defaults(func=cmd_install_hooks)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the installed hooks: ``python -m szmqa.hooks pre-receive|post-receive``."""
    parser = argparse.ArgumentParser(prog="szmqa-hook")
    parser.add_argument("hook", choices=["pre-receive", "post-receive"])
    args = parser.parse_args(argv)
    # git gives hooks GIT_DIR=. : made absolute, git still finds the repository from elsewhere.
    os.environ["GIT_DIR"] = str(Path(os.environ.get("GIT_DIR", ".")).resolve())
    lines = sys.stdin.read().splitlines()
    if args.hook == "pre-receive":
        try:
            return pre_receive(lines)
        except AwardError as error:
            say(f"推送被拒绝：{error}")
            return 1
    try:
        return post_receive(lines)
    except AwardError as error:
        say(f"发布未完成，正式网站仍为上一版本：{error}")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
