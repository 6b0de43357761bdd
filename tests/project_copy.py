"""A copy of the project's site sources (mkdocs.yml, docs/, overrides/) to add content to and build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_SOURCES = ("mkdocs.yml", "docs", "overrides", "site_plugins/jieba_user_dict.txt")


def copy_project(target: Path) -> Path:
    """Copy the site sources into ``target`` (created) and return it."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SITE_SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, dirs_exist_ok=True)
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def szmqa(
    *args: str, cwd: Path, now: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the ``szmqa`` command in a folder as a person would; return the finished process."""
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1") | (env or {})
    environment.pop("SZMQA_DEMO_DIR", None)
    if now is not None:
        environment["SZMQA_NOW"] = now
    return subprocess.run(
        [sys.executable, "-m", "szmqa", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
