"""Publishing by git push: a real bare repository with the hooks, a clone, refused and good pushes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from award.errors import AwardError
from szmqa.publish import CURRENT, live_release, publish, releases, rollback
from tests.conftest import DEMO_NOW
from tests.content_files import notice_text, valid_year, write_content
from tests.project_copy import copy_project, szmqa

GIT_ENV = {
    "GIT_AUTHOR_NAME": "秘书处",
    "GIT_AUTHOR_EMAIL": "secretariat@example.test",
    "GIT_COMMITTER_NAME": "秘书处",
    "GIT_COMMITTER_EMAIL": "secretariat@example.test",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "",  # set per test: no global git configuration
    "SZMQA_NOW": DEMO_NOW,
}
NOTICES = {
    "2026-11-16-publicity.md": notice_text(
        kind="publicity",
        year=2026,
        stage="publicity",
        window={"start": "2026-11-16", "working_days": 5},
        objections=True,
    ),
}


def git(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, **GIT_ENV) | {"HOME": str(home)}
    env.pop("SZMQA_DEMO_DIR", None)
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def server(tmp_path: Path) -> dict[str, Path]:
    """A bare repository with the hooks installed, and a clone holding the project's sources."""
    bare, clone, root = tmp_path / "site.git", tmp_path / "clone", tmp_path / "publish"
    home = tmp_path / "home"
    home.mkdir()
    assert git("init", "--bare", "-b", "main", str(bare), cwd=tmp_path, home=home).returncode == 0
    installed = szmqa("install-hooks", str(bare), "--root", str(root), "--keep", "3", cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    assert git("clone", str(bare), str(clone), cwd=tmp_path, home=home).returncode == 0
    copy_project(clone)
    write_content(clone / "docs", valid_year(), NOTICES)
    return {"bare": bare, "clone": clone, "root": root, "home": home}


def commit_and_push(repo: dict[str, Path], message: str) -> subprocess.CompletedProcess[str]:
    clone, home = repo["clone"], repo["home"]
    assert git("add", "-A", cwd=clone, home=home).returncode == 0
    assert git("commit", "-q", "-m", message, cwd=clone, home=home).returncode == 0
    return git("push", "origin", "HEAD:main", cwd=clone, home=home)


def test_a_bad_push_is_refused_with_the_problems_shown_to_the_person_pushing(
    server: dict[str, Path],
) -> None:
    year = valid_year()
    year["stages"]["site_check"][0]["score"] = 45
    year["entrants"][1]["credit_code"] = "91440300000000002X"
    write_content(server["clone"] / "docs", year)
    pushed = commit_and_push(server, "Site-check scores")
    assert pushed.returncode != 0
    shown = pushed.stderr
    assert "remote: 推送被拒绝" in shown and "网站没有发布" in shown
    assert (
        "remote:   - docs/awards/2026.yml: stages.site_check[1]（E1）: 测试单位E1 综合评分 45%，"
        "须超过标准总分 50% [综合评分须超过总分50%]" in shown
    )
    assert "docs/awards/2026.yml: entrants[2]（E2）.credit_code:" in shown
    assert (
        "Traceback" not in shown
        and "[remote rejected] HEAD -> main (pre-receive hook declined)" in shown
    )
    assert not (server["root"] / CURRENT).exists()
    log = git("log", "--oneline", "main", cwd=server["bare"], home=server["home"])
    assert log.stdout.strip() == ""  # the branch never received the commit


def test_a_good_push_is_published_and_served_and_can_be_rolled_back(
    server: dict[str, Path], live_server: Any
) -> None:
    year = valid_year()  # two businesses of one group worded nearly alike: a warning, not a refusal
    year["entrants"][3] |= {"group": "某集团", "business": "精密制造"}
    year["entrants"][4] |= {"group": "某集团", "business": "精密制造业"}
    write_content(server["clone"] / "docs", year)
    first = commit_and_push(server, "2026 award year")
    assert first.returncode == 0, first.stderr
    assert "remote: 内容检查通过：1 个年度文件，1 个通知。" in first.stderr
    assert "remote: 提醒（不影响发布）共 1 条" in first.stderr
    assert "E4（精密制造）与 E5（精密制造业）的业务写法相近" in first.stderr
    assert "remote: 已发布版本 " in first.stderr and "检查 " in first.stderr
    root = server["root"]
    first_release = live_release(root)
    assert first_release is not None and (root / CURRENT).is_symlink()
    assert (root / CURRENT / "site" / "awards" / "2026" / "index.html").is_file()
    assert (root / CURRENT / "content" / "awards" / "2026.yml").is_file()

    from vote_api.core.settings import Settings
    from vote_api.main import create_app

    app = create_app(
        Settings(
            site_dir=root / CURRENT / "site",
            content_dir=root / CURRENT / "content",
            data_dir=root.parent / "data",
            database_url=f"sqlite:///{root.parent / 'service.db'}",
        )
    )
    url = live_server(app).url
    page = httpx.get(f"{url}/notices/2026-11-16-publicity/")
    assert page.status_code == 200 and "测试单位E1" in page.text
    ballots = httpx.get(f"{url}/api/ballots").json()
    assert [b["id"] for b in ballots["ballots"]] == ["2026-culture"]

    year = yaml.safe_load((server["clone"] / "docs/awards/2026.yml").read_text(encoding="utf-8"))
    year["stages"]["approval"] = year["stages"]["publicity"]
    write_content(server["clone"] / "docs", year)
    second = commit_and_push(server, "Approval list")
    assert second.returncode == 0, second.stderr
    assert live_release(root) != first_release and len(releases(root)) == 2
    assert "市政府审定名单" in httpx.get(f"{url}/awards/2026/").text  # served from the new release

    back = szmqa("publish", "--rollback", "--root", str(root), cwd=server["clone"])
    assert back.returncode == 0, back.stderr
    assert live_release(root) == first_release
    assert "市政府审定名单" not in httpx.get(f"{url}/awards/2026/").text


def test_a_publish_that_fails_while_building_leaves_the_live_site_as_it_was(
    tmp_path: Path,
) -> None:
    source = copy_project(tmp_path / "source")
    write_content(source / "docs", valid_year(), NOTICES)
    root = tmp_path / "publish"
    release, timings = publish(source, root)
    assert live_release(root) == release and timings.build > 0
    config = (source / "mkdocs.yml").read_text(encoding="utf-8")
    (source / "mkdocs.yml").write_text(
        config.replace("nav:", "nav:\n  - 缺失: missing.md"), "utf-8"
    )
    with pytest.raises(AwardError, match="站点构建失败"):
        publish(source, root)
    assert live_release(root) == release
    assert releases(root) == [release]
    assert not [p for p in (root / "releases").iterdir() if p.name.startswith(".")]


def test_publish_refuses_bad_content_before_building(tmp_path: Path) -> None:
    source = copy_project(tmp_path / "source")
    year = valid_year()
    year["ballots"][0]["closes"] = "2026-11-01 09:00"
    write_content(source / "docs", year)
    result = szmqa("publish", "--root", str(tmp_path / "publish"), cwd=source)
    assert result.returncode == 1
    assert "docs/awards/2026.yml: ballots[1]（2026-culture）" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "publish" / "releases").exists() or not releases(tmp_path / "publish")


def test_publish_keeps_the_newest_releases_and_rollback_needs_an_older_one(
    tmp_path: Path,
) -> None:
    source = copy_project(tmp_path / "source")
    shutil.rmtree(source / "docs" / "guide")  # a smaller site: this test is about releases
    config = (source / "mkdocs.yml").read_text(encoding="utf-8")
    (source / "mkdocs.yml").write_text(config.split("\nnav:")[0] + "\n", encoding="utf-8")
    root = tmp_path / "publish"
    with pytest.raises(AwardError, match="没有比当前版本更早的版本"):
        rollback(root)
    made = [publish(source, root, keep=2)[0] for _ in range(3)]
    assert releases(root) == made[1:]
    assert rollback(root) == made[1]
    with pytest.raises(AwardError, match="没有比当前版本更早的版本"):
        rollback(root)


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
