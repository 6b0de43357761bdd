"""A publishing server for tests: a plain ``git init --bare`` set up by ``szmqa install-hooks``,
and clones that push to it with the real ``git push``."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import DEMO_NOW
from tests.project_copy import szmqa

SITE_URL = "https://szmqa.example.test/"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "秘书处",
    "GIT_AUTHOR_EMAIL": "secretariat@example.test",
    "GIT_COMMITTER_NAME": "秘书处",
    "GIT_COMMITTER_EMAIL": "secretariat@example.test",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(*args: str, cwd: Path, home: Path, now: str = DEMO_NOW) -> subprocess.CompletedProcess[str]:
    """Run git as the secretariat would (no global configuration; the hooks see SZMQA_NOW)."""
    env = dict(os.environ, **GIT_ENV) | {"HOME": str(home), "SZMQA_NOW": now}
    env.pop("SZMQA_DEMO_DIR", None)
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@dataclass
class Server:
    """A bare repository with the hooks and its publish folder."""

    bare: Path
    root: Path
    home: Path

    def clone(self, target: Path) -> Path:
        """A clone of main, as the secretariat makes one."""
        cloned = git("clone", "-q", str(self.bare), str(target), cwd=target.parent, home=self.home)
        assert cloned.returncode == 0, cloned.stderr
        return target

    def push(self, clone: Path, message: str, *args: str, now: str = DEMO_NOW) -> str:
        """Commit everything in a clone and push it; git's whole output (remote: lines)."""
        assert git("add", "-A", cwd=clone, home=self.home).returncode == 0
        committed = git("commit", "-q", "--allow-empty", "-m", message, cwd=clone, home=self.home)
        assert committed.returncode == 0, committed.stderr
        pushed = git(
            "push", "origin", *(args or ("HEAD:main",)), cwd=clone, home=self.home, now=now
        )
        return pushed.stderr + f"\n(exit {pushed.returncode})"

    def main(self) -> str:
        """The commit main points to on the server."""
        return git("rev-parse", "main", cwd=self.bare, home=self.home).stdout.strip()


def make_server(folder: Path, *install_args: str) -> Server:
    """``git init --bare`` (default branch master) and ``szmqa install-hooks`` on it."""
    folder.mkdir(parents=True, exist_ok=True)
    home = folder / "home"
    home.mkdir(exist_ok=True)
    bare, root = folder / "site.git", folder / "publish"
    assert git("init", "-q", "--bare", str(bare), cwd=folder, home=home).returncode == 0
    args = install_args or ("--site-url", SITE_URL)
    installed = szmqa("install-hooks", str(bare), "--root", str(root), *args, cwd=folder)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return Server(bare, root, home)
