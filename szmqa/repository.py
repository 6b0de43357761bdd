"""A bare repository set up for publishing: main as its head, the hooks, the settings they read.

``szmqa install-hooks REPO --root DIR --site-url URL`` works on a plain ``git init --bare``:
it makes ``main`` the head (renaming a ``master`` that holds commits), records the settings in
the repository's config
(``git config --get-regexp '^szmqa\\.'``) and the repository in the publish folder
(``setup.json``), writes the hooks, puts the site sources into an empty repository, and
publishes main when nothing is live yet. ``hook_setup`` reports all of it (``szmqa doctor``).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from award.errors import AwardError
from szmqa.site_sources import PROJECT, seed_files, site_url_problem

BRANCH = "main"
MAIN_REF = f"refs/heads/{BRANCH}"
HOOKS = {
    "pre-receive": "check and build a push to main; refuse it before the branch moves",
    "post-receive": "make the build of the push the live site",
}
HOOK_TEMPLATE = """#!/bin/sh
# Installed by `szmqa install-hooks`: {purpose}.
# Settings: git config --get-regexp '^szmqa\\.' (re-run szmqa install-hooks to change them).
exec {python} -m szmqa.hooks {hook}
"""
#: In the publish folder: which repository publishes into it.
SETUP_FILE = "setup.json"
SEED_MESSAGE = "网站源文件（szmqa install-hooks 放入）"


def git(repository: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git on a repository; its output, or an AwardError with git's message."""
    result = subprocess.run(
        ["git", f"--git-dir={repository}", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, **(env or {})),
        check=False,
    )
    if result.returncode != 0:
        raise AwardError(f"git {' '.join(args)} 失败：{result.stderr.strip()}")
    return result.stdout.strip()


def has_ref(repository: Path, ref: str) -> bool:
    """Whether a ref exists."""
    try:
        git(repository, "rev-parse", "--verify", "--quiet", ref)
    except AwardError:
        return False
    return True


@dataclass
class HookSetup:
    """What a bare repository's publishing set-up is, and what is wrong with it."""

    repository: Path
    head: str = ""
    root: str = ""
    site_url: str = ""
    preview: bool = False
    keep: int = 5
    #: hook → why it would not run ("" when it is fine).
    hooks: dict[str, str] = field(default_factory=dict)

    def problems(self) -> list[str]:
        """Each finding in Chinese with the command that fixes it."""
        fix = (
            f"运行 szmqa install-hooks {self.repository} --root {self.root or '发布目录'} "
            f"--site-url {self.site_url or 'https://正式网址/'}"
        )
        found = []
        if self.head != MAIN_REF:
            found.append(f"仓库的默认分支是 {self.head or '（无）'} 而不是 main：{fix}")
        if not self.root:
            found.append(f"仓库没有记录发布目录：{fix}")
        elif not Path(self.root, "current").is_symlink():
            found.append(f"发布目录 {self.root} 中还没有正式网站（current）：{fix}，或推送一次")
        problem = site_url_problem(self.site_url)
        if problem is not None:
            preview = "（按本机预览安装）" if self.preview else ""
            found.append(f"{problem}{preview}：{fix}")
        for hook, why in self.hooks.items():
            if why:
                found.append(f"钩子 {hook} {why}：{fix}")
        return found


def _config(repository: Path, name: str) -> str:
    try:
        return git(repository, "config", "--get", name)
    except AwardError:
        return ""


def _hook_problem(path: Path) -> str:
    if not path.is_file():
        return "不存在"
    if not os.access(path, os.X_OK):
        return "不可执行"
    text = path.read_text(encoding="utf-8", errors="replace")
    if "-m szmqa.hooks" not in text:
        return "不是 szmqa 安装的"
    words = shlex.split(text.splitlines()[-1]) if text.strip() else []
    if len(words) < 2 or not Path(words[1]).is_file():
        return "所用的 Python 已不存在（环境被移动或删除）"
    return ""


def hook_setup(repository: Path) -> HookSetup:
    """Read a repository's publishing set-up (for ``szmqa doctor`` and the hooks)."""
    repository = repository.resolve()
    setup = HookSetup(repository)
    try:
        setup.head = git(repository, "symbolic-ref", "HEAD")
    except AwardError:
        setup.head = ""
    setup.root = _config(repository, "szmqa.root")
    setup.site_url = _config(repository, "szmqa.siteurl")
    setup.preview = _config(repository, "szmqa.preview") == "true"
    keep = _config(repository, "szmqa.keep")
    setup.keep = int(keep) if keep.isdigit() else 5
    setup.hooks = {hook: _hook_problem(repository / "hooks" / hook) for hook in HOOKS}
    return setup


def repository_of(root: Path) -> Path | None:
    """The repository that publishes into a publish folder, as install recorded it."""
    try:
        data = json.loads((root / SETUP_FILE).read_text(encoding="utf-8"))
        return Path(data["repository"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def checked_site_url(url: str, *, preview: bool) -> tuple[str, str | None]:
    """(the URL ending in /, a warning): refused when unusable unless installing a preview."""
    url = url.strip()
    if url and not url.endswith("/"):
        url += "/"
    problem = site_url_problem(url)
    if problem is None:
        return url, None
    if not preview:
        raise AwardError(
            f"{problem}：正式网站的 RSS、日程与页面中的完整链接都由它生成。请用 --site-url 写明"
            "网站地址，如 --site-url https://szmqa.example.gov.cn/（或设置环境变量 SITE_URL）；"
            "只在本机试用时可加 --preview"
        )
    return url or "http://127.0.0.1:8000/", (
        f"警告：按本机预览安装（{problem}）。发布的网站中的完整链接将指向 "
        f"{url or 'http://127.0.0.1:8000/'}，不能作为正式网站；正式安装时去掉 --preview 并写明 --site-url"
    )


def use_main(repository: Path) -> str | None:
    """Make main the repository's head; rename a master that holds commits. Say what changed."""
    said = None
    if not has_ref(repository, MAIN_REF) and has_ref(repository, "refs/heads/master"):
        git(repository, "branch", "-m", "master", BRANCH)
        said = "已把仓库中的 master 分支改名为 main"
    git(repository, "symbolic-ref", "HEAD", MAIN_REF)
    return said


def seed(repository: Path, project: Path = PROJECT) -> str | None:
    """Commit the site sources into an empty repository's main; the commit, or None."""
    files = seed_files(project)
    if "mkdocs.yml" not in files:
        return None
    with tempfile.TemporaryDirectory(prefix="szmqa-seed-") as folder:
        tree = Path(folder, "tree")
        for name, data in files.items():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            (tree / name).write_bytes(data)
        env = {
            "GIT_INDEX_FILE": str(Path(folder, "index")),
            "GIT_AUTHOR_NAME": "szmqa",
            "GIT_AUTHOR_EMAIL": "szmqa@localhost",
            "GIT_COMMITTER_NAME": "szmqa",
            "GIT_COMMITTER_EMAIL": "szmqa@localhost",
        }
        git(repository, f"--work-tree={tree}", "add", "-A", env=env)
        tree_id = git(repository, "write-tree", env=env)
        commit = git(repository, "commit-tree", tree_id, "-m", SEED_MESSAGE, env=env)
    git(repository, "update-ref", MAIN_REF, commit, "")
    return commit


def write_hooks(repository: Path) -> list[Path]:
    """Write the hooks, each running this Python's ``szmqa.hooks``."""
    written = []
    for hook, purpose in HOOKS.items():
        path = repository / "hooks" / hook
        path.parent.mkdir(exist_ok=True)
        path.write_text(
            HOOK_TEMPLATE.format(purpose=purpose, python=shlex.quote(sys.executable), hook=hook),
            encoding="utf-8",
        )
        path.chmod(0o755)
        written.append(path)
    return written


def record(repository: Path, root: Path, site_url: str, keep: int, preview: bool) -> None:
    """Record the settings in the repository's config and the repository in the publish folder."""
    for name, value in (
        ("szmqa.root", str(root)),
        ("szmqa.siteUrl", site_url),
        ("szmqa.keep", str(keep)),
        ("szmqa.preview", "true" if preview else "false"),
    ):
        git(repository, "config", name, value)
    root.mkdir(parents=True, exist_ok=True)
    data = {"repository": str(repository), "branch": BRANCH, "site_url": site_url}
    (root / SETUP_FILE).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")


def bare_repository(path: Path) -> Path:
    """The path as a bare repository, or a Chinese refusal."""
    path = path.resolve()
    try:
        bare = git(path, "rev-parse", "--is-bare-repository")
    except AwardError:
        bare = ""
    if bare != "true":
        raise AwardError(
            f"{path} 不是 git 裸仓库：请先运行 git init --bare {path}，再运行 szmqa install-hooks"
        )
    return path
