"""The publish folder without builds: pruning, what a rollback goes back to, refusals before a build."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from award.errors import AwardError
from szmqa.publish import Prepared, promote
from szmqa.releases import (
    RELEASES,
    ReleaseInfo,
    live_release,
    prune,
    releases,
    rollback,
    same_key,
    switch_to,
)
from szmqa.repository import checked_site_url, hook_setup
from tests.content_files import valid_year, write_content
from tests.project_copy import copy_project, szmqa


def made(root: Path, name: str, sources: str, parent: str | None, key: str = "") -> Path:
    """A release folder with its record (no site: these tests never serve it)."""
    folder = root / RELEASES / name
    folder.mkdir(parents=True)
    info = ReleaseInfo(
        key=key or f"key-{name}",
        sources=sources,
        day="2026-09-28",
        site_url="https://szmqa.example.test/",
        made_by="push",
        parent=parent,
    )
    info.write(folder)
    return folder


def test_rollback_skips_rebuilds_of_the_same_sources_and_needs_older_content(
    tmp_path: Path,
) -> None:
    root = tmp_path / "publish"
    with pytest.raises(AwardError, match="还没有正式网站"):
        rollback(root)
    first = made(root, "1-a", "A", None)
    made(root, "2-b", "B", "1-a")
    switch_to(root, made(root, "3-b", "B", "2-b"))  # the daily rebuild of B
    assert rollback(root) == first
    with pytest.raises(AwardError, match="没有比当前版本更早的内容可回退"):
        rollback(root)


def test_prune_keeps_the_newest_and_the_live_release(tmp_path: Path) -> None:
    root = tmp_path / "publish"
    old = made(root, "1-a", "A", None)
    for index in range(2, 6):
        made(root, f"{index}-x", "X", None)
    switch_to(root, old)
    stale = root / RELEASES / ".pending-0123"
    stale.mkdir()
    marker = root / RELEASES / ".pending-4567.same"
    marker.write_text("1-a", encoding="utf-8")
    removed = prune(root, keep=2, stale_after=-1)
    assert [p.name for p in removed] == ["2-x", "3-x"]
    assert [p.name for p in releases(root)] == ["1-a", "4-x", "5-x"]
    assert live_release(root) == old and not stale.exists() and not marker.exists()


def test_a_scheduled_rebuild_never_undoes_a_push_that_went_live_meanwhile(
    tmp_path: Path,
) -> None:
    root = tmp_path / "publish"
    rebuilt_from = made(root, "1-a", "A", None)
    pushed = made(root, "2-b", "B", "1-a")
    switch_to(root, pushed)  # the push went live while the daily rebuild of 1-a was building
    staging = root / RELEASES / ".pending-daily"
    staging.mkdir()
    info = ReleaseInfo("K", "A", "2026-09-29", "https://szmqa.example.test/", "scheduled")
    prepared = Prepared(info, staging, None, 0.0, 0.0)
    assert promote(root, prepared, keep=5, only_if_live=rebuilt_from) == (None, 0.0)
    assert live_release(root) == pushed and not staging.exists()


def test_same_key_finds_the_live_release_first(tmp_path: Path) -> None:
    root = tmp_path / "publish"
    made(root, "1-a", "A", None, key="K")
    live = made(root, "2-a", "A", "1-a", key="K")
    switch_to(root, live)
    assert same_key(root, "K") == live and same_key(root, "other") is None


@pytest.mark.parametrize(
    "url", ["", "http://127.0.0.1:8000/", "http://localhost/", "http://[::1]/", "szmqa.gov.cn"]
)
def test_a_site_url_readers_cannot_reach_is_refused_unless_previewing(url: str) -> None:
    with pytest.raises(AwardError, match="--site-url"):
        checked_site_url(url, preview=False)
    shown, warning = checked_site_url(url, preview=True)
    assert shown.endswith("/") and warning is not None and "不能作为正式网站" in warning
    assert checked_site_url("https://szmqa.example.gov.cn", preview=False) == (
        "https://szmqa.example.gov.cn/",
        None,
    )


def test_publish_refuses_bad_content_before_building_and_warns_of_a_local_site_url(
    tmp_path: Path,
) -> None:
    source = copy_project(tmp_path / "source")
    year = valid_year()
    year["ballots"][0]["closes"] = "2026-11-01 09:00"
    write_content(source / "docs", year)
    result = szmqa("publish", "--root", str(tmp_path / "publish"), cwd=source, env={"SITE_URL": ""})
    assert result.returncode == 1
    assert "注意：SITE_URL 未设置" in result.stderr
    assert "docs/awards/2026.yml: ballots[1]（2026-culture）" in result.stderr
    assert "Traceback" not in result.stderr
    assert releases(tmp_path / "publish") == []


def test_the_site_build_reports_bad_content_without_a_traceback(tmp_path: Path) -> None:
    source = copy_project(tmp_path / "source")
    year = valid_year()
    year["ballots"][0] |= {"opens": "2026-11-20 17:00", "closes": "2026-11-16 09:00"}
    notices = {"2026-11-16-defence.md": "---\ntitle: 2026年度答辩名单\ndate: [2026-11-16\n---\n"}
    write_content(source / "docs", year, notices)
    result = szmqa("build", "--site", "site", cwd=source)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "docs/awards/2026.yml: ballots[1]（2026-culture）:" in output and "closes" in output
    assert "docs/notices/2026-11-16-defence.md: 头信息: YAML 格式错误：第 4 行" in output
    assert "（始于第 3 行第 7 列）" in output
    assert "Traceback" not in output and "pydantic" not in output


def test_hook_setup_reports_a_repository_set_up_wrong(tmp_path: Path) -> None:
    bare = tmp_path / "site.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    hooks = bare / "hooks"
    (hooks / "post-receive").write_text("#!/bin/sh\nexec /gone/python -m szmqa.hooks x\n")
    (hooks / "post-receive").chmod(0o755)
    subprocess.run(["git", f"--git-dir={bare}", "symbolic-ref", "HEAD", "refs/heads/master"])
    found = "\n".join(hook_setup(bare).problems())
    assert "默认分支是 refs/heads/master 而不是 main" in found
    assert "仓库没有记录发布目录" in found and "SITE_URL 未设置" in found
    assert "钩子 pre-receive 不存在" in found
    assert "钩子 post-receive 所用的 Python 已不存在" in found
    assert found.count("szmqa install-hooks") == 5
