"""Publishing by git push to a plain ``git init --bare`` set up by ``szmqa install-hooks``:
refusals before the branch moves, what goes live, identical content, rollback and the daily run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from award.moments import to_moment
from site_plugins.status_lookup import look_up
from szmqa.releases import CURRENT, live_release, read_info, releases
from szmqa.repository import hook_setup, repository_of
from tests.cli.git_server import SITE_URL, Server, git, make_server
from tests.conftest import Clock
from tests.content_files import valid_year, write_content
from tests.project_copy import szmqa
from tests.real_year import ENTRANTS, write_real_year
from vote_api.core.settings import Settings
from vote_api.main import create_app

BEFORE_VOTE = "2026-09-10T10:00:00+08:00"  # defence and site check out, the culture vote not
VOTE_DAY = "2026-09-28T00:05:00+08:00"  # the scheduled run on the vote notice's day


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Server:
    """One installed server for the tests whose pushes are all refused (nothing changes)."""
    return make_server(tmp_path_factory.mktemp("refusing"))


def live_page(root: Path, path: str) -> str:
    return (root / CURRENT / "site" / path).read_text(encoding="utf-8")


def test_install_makes_main_the_head_records_the_settings_and_publishes_the_sources(
    server: Server,
) -> None:
    setup = hook_setup(server.bare)
    assert setup.head == "refs/heads/main" and setup.site_url == SITE_URL
    assert setup.root == str(server.root) and setup.problems() == []
    assert repository_of(server.root) == server.bare
    files = git("ls-tree", "-r", "--name-only", "main", cwd=server.bare, home=server.home).stdout
    for needed in ("mkdocs.yml", "overrides/main.html", "docs/guide/index.md", "PUBLISHING.md"):
        assert needed in files.splitlines()
    assert "docs/awards/.gitkeep" in files and "docs/awards/2026.yml" not in files
    live = live_release(server.root)
    assert live is not None and read_info(live).commit == server.main()  # type: ignore[union-attr]
    feed = live_page(server.root, "notices/feed.xml")
    assert f"<link>{SITE_URL}notices/</link>" in feed and "127.0.0.1" not in feed


def test_install_refuses_an_unset_site_url(tmp_path: Path) -> None:
    assert git("init", "-q", "--bare", "site.git", cwd=tmp_path, home=tmp_path).returncode == 0
    args = ["install-hooks", "site.git", "--root", "publish"]
    refused = szmqa(*args, cwd=tmp_path, env={"SITE_URL": ""})  # loopback: test_releases.py
    assert refused.returncode == 1 and "--site-url" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "site.git/hooks/pre-receive").exists()
    assert not (tmp_path / "publish").exists()


def test_a_push_to_another_branch_or_a_tag_is_refused(server: Server, tmp_path: Path) -> None:
    clone = server.clone(tmp_path / "clone")
    assert git("checkout", "-q", "-b", "master", cwd=clone, home=server.home).returncode == 0
    shown = server.push(clone, "On master", "master")
    assert "remote: 推送被拒绝：网站只从 main 分支发布，服务器不接受推送到分支 master" in shown
    assert "git push origin HEAD:main" in shown and "(exit 1)" in shown
    assert git("tag", "v1", cwd=clone, home=server.home).returncode == 0
    tagged = git("push", "origin", "v1", cwd=clone, home=server.home)
    assert "不接受推送到标签 v1" in tagged.stderr
    refs = git("for-each-ref", "--format=%(refname)", cwd=server.bare, home=server.home).stdout
    assert refs.split() == ["refs/heads/main"]


def test_a_first_push_of_the_award_data_alone_names_what_is_missing(
    server: Server, tmp_path: Path
) -> None:
    own = tmp_path / "own"
    own.mkdir()
    assert git("init", "-q", "-b", "main", cwd=own, home=server.home).returncode == 0
    write_content(own / "docs", valid_year())
    git("remote", "add", "origin", str(server.bare), cwd=own, home=server.home)
    before = server.main()
    shown = server.push(own, "2026 data only", "--force", "HEAD:main")
    assert (
        "remote: 推送被拒绝：" in shown
        and "仓库须包含整个网站的源文件，缺少：mkdocs.yml、" in shown
    )
    assert "overrides/main.html" in shown and "docs/guide/index.md" in shown
    assert server.main() == before


def test_published_files_are_checked_by_name_type_and_size(server: Server, tmp_path: Path) -> None:
    clone = server.clone(tmp_path / "clone")
    images = clone / "docs/assets/images"
    images.mkdir(parents=True)
    (images / "banner.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(6 * 1024 * 1024))
    (images / "logo.png").write_text("not an image", encoding="utf-8")
    (images / "公告 附件.pdf").write_bytes(b"%PDF-1.7\n")
    (images / "tool.js").write_bytes(b"MZ\x90\x00")
    (images / "map.svg").write_text('<svg onload="alert(1)"></svg>', encoding="utf-8")
    (clone / "docs/guide/notes.md").write_bytes("# 说明\n".encode("gbk"))
    before = server.main()
    shown = server.push(clone, "Images")
    assert "docs/assets/images/banner.png: 大小 6.0 MB，超过图片的上限 5.0 MB" in shown
    assert "docs/assets/images/logo.png: 内容不是 .png 文件（文件头不符）" in shown
    assert "“公告 附件.pdf”不可用作文件名" in shown
    assert "docs/assets/images/tool.js: 内容是Windows 可执行程序，不予发布" in shown
    assert "docs/assets/images/map.svg: SVG 图片不能含有脚本或事件属性" in shown
    assert "docs/guide/notes.md: 文本文件须为 UTF-8 编码" in shown
    assert "Traceback" not in shown and server.main() == before


def test_a_symlink_out_of_the_repository_is_refused(server: Server, tmp_path: Path) -> None:
    clone = server.clone(tmp_path / "clone")
    (clone / "docs/passwd.md").symlink_to("/etc/passwd")
    (clone / "docs/guide/copy.md").symlink_to("index.md")  # inside: refused as a link too
    before = server.main()
    shown = server.push(clone, "Links")
    assert "remote: 推送被拒绝：" in shown and "符号链接" in shown and "(exit 1)" in shown
    assert "Traceback" not in shown and server.main() == before
    (clone / "docs/passwd.md").unlink()
    shown = server.push(clone, "Inner link only")
    assert "docs/guide/copy.md: 不接受符号链接：请放入文件本身" in shown
    assert server.main() == before


def test_a_push_whose_build_fails_is_refused_before_the_branch_moves(
    server: Server, tmp_path: Path
) -> None:
    clone = server.clone(tmp_path / "clone")
    with (clone / "docs/index.md").open("a", encoding="utf-8") as page:
        page.write("\n[往年名单](missing.md)\n")  # a link to no page: --strict stops the build
    live, before = live_release(server.root), server.main()
    shown = server.push(clone, "Broken link")
    assert (
        "remote: 推送被拒绝：" in shown
        and "的网站构建失败，服务器上的仓库与正式网站都没有改变" in shown
    )
    assert "missing.md" in shown and "(exit 1)" in shown
    assert server.main() == before and live_release(server.root) == live
    assert not [p for p in (server.root / "releases").iterdir() if p.name.startswith(".")]


def test_bad_content_is_refused_with_every_problem(server: Server, tmp_path: Path) -> None:
    clone = server.clone(tmp_path / "clone")
    year = valid_year()
    year["stages"]["site_check"][0]["score"] = 45
    year["entrants"][1]["credit_code"] = "91440300000000002X"
    write_content(clone / "docs", year)
    shown = server.push(clone, "Site-check scores")
    assert "remote: 推送被拒绝" in shown and "网站没有发布" in shown
    assert (
        "remote:   - docs/awards/2026.yml: stages.site_check[1]（E1）: 测试单位E1 综合评分 45%，"
        "须超过标准总分 50% [综合评分须超过总分50%]" in shown
    )
    assert "docs/awards/2026.yml: entrants[2]（E2）.credit_code:" in shown
    assert "[remote rejected] HEAD -> main (pre-receive hook declined)" in shown


def test_a_forced_push_that_rewrites_main_is_refused(server: Server, tmp_path: Path) -> None:
    clone = server.clone(tmp_path / "clone")
    assert (
        git("commit", "-q", "--amend", "-m", "rewritten", cwd=clone, home=server.home).returncode
        == 0
    )
    shown = git("push", "--force", "origin", "HEAD:main", cwd=clone, home=server.home).stderr
    assert "会改写服务器上 main 分支的历史" in shown and "git revert" in shown
    deleted = git("push", "origin", "--delete", "main", cwd=clone, home=server.home).stderr
    assert "不能删除 main 分支" in deleted


def test_a_year_goes_live_by_push_and_its_lists_by_date_and_a_rollback_stays(
    tmp_path: Path, live_server: Any
) -> None:
    server = make_server(tmp_path / "server")
    clone = server.clone(tmp_path / "clone")
    write_real_year(clone / "docs")
    shown = server.push(clone, "2026 award year", now=BEFORE_VOTE)
    assert "(exit 0)" in shown, shown
    assert "remote: 内容检查通过：1 个年度文件，8 个通知。" in shown
    assert (
        "remote:   2026-09-28 起发布：通知“2026年度文化类社会评价”（2026-09-28-culture-vote.md），"
        in shown
    )
    assert "随之公开：2026年度社会评价名单" in shown and "remote: 已发布版本 " in shown
    assert "remote:   不公开：2026年度评委会审议名单没有公布它的通知" in shown
    pushed = live_release(server.root)
    assert pushed is not None and read_info(pushed).commit == server.main()  # type: ignore[union-attr]
    index = live_page(server.root, "status-index.json")
    culture = ENTRANTS["C01"][0]
    assert look_up(index, culture)[0]["status"] == "已进入集中答辩（目前已公布的最新阶段）"

    clock = Clock(to_moment(BEFORE_VOTE))
    app = create_app(
        Settings(
            site_dir=server.root / CURRENT / "site",
            content_dir=server.root / CURRENT / "content",
            data_dir=tmp_path / "data",
            database_url=f"sqlite:///{tmp_path / 'service.db'}",
        ),
        clock=clock,
    )
    url = live_server(app).url
    assert httpx.get(f"{url}/api/ballots").json()["ballots"] == []  # candidates not out yet
    assert httpx.get(f"{url}/api/notices/2026-11-16-publicity").status_code == 404

    count = len(releases(server.root))
    again = server.push(clone, "Nothing changed", now=BEFORE_VOTE)
    assert "内容与正式网站（版本" in again and "不生成新版本" in again
    assert len(releases(server.root)) == count and live_release(server.root) == pushed

    same_day = szmqa(
        "publish", "--scheduled", "--root", str(server.root), cwd=tmp_path, now=BEFORE_VOTE
    )
    assert "今天没有新到日期的内容" in same_day.stdout and len(releases(server.root)) == count
    vote_day = szmqa(
        "publish", "--scheduled", "--root", str(server.root), cwd=tmp_path, now=VOTE_DAY
    )
    assert vote_day.returncode == 0 and "已按今天的日期重新发布" in vote_day.stdout
    assert "2026-09-28-culture-vote" in live_page(server.root, "notices/feed.xml")
    dated = live_release(server.root)
    assert read_info(dated).parent == pushed.name  # type: ignore[union-attr]
    assert culture in httpx.get(f"{url}/notices/2026-09-28-culture-vote/").text
    assert httpx.get(f"{url}/api/ballots/2026-culture").status_code == 404
    clock.moment = to_moment(VOTE_DAY)  # the service's own clock: the candidates are out today
    (ballot,) = httpx.get(f"{url}/api/ballots").json()["ballots"]
    assert ballot["id"] == "2026-culture" and len(ballot["candidates"]) == 3

    year = yaml.safe_load((clone / "docs/awards/2026.yml").read_text(encoding="utf-8"))
    year["entrants"][0]["name"] = "深圳市澜岸智能装备集团有限公司"
    write_content(clone / "docs", year)
    renamed = server.push(clone, "Renamed", now=VOTE_DAY)
    assert "(exit 0)" in renamed and "集团有限公司" in live_page(server.root, "awards/2026.json")

    back = szmqa("publish", "--rollback", "--root", str(server.root), cwd=tmp_path, now=VOTE_DAY)
    assert back.returncode == 0 and "下一次推送之前保持不变" in back.stdout
    assert live_release(server.root) == dated
    next_day = "2026-09-29T00:05:00+08:00"
    daily = szmqa("publish", "--scheduled", "--root", str(server.root), cwd=tmp_path, now=next_day)
    assert daily.returncode == 0, daily.stderr
    assert "集团有限公司" not in live_page(server.root, "awards/2026.json")  # the rollback stays

    later = server.push(clone, "Next push", now=next_day)  # the same as the kept "Renamed"
    assert "(exit 0)" in later and "推送完成后切换到该版本" in later
    assert "集团有限公司" in live_page(server.root, "awards/2026.json")


def test_a_push_with_warnings_is_published_and_shows_them(tmp_path: Path) -> None:
    server = make_server(tmp_path / "server")
    clone = server.clone(tmp_path / "clone")
    year = valid_year()  # two businesses of one group worded nearly alike: a warning, not a refusal
    year["entrants"][3] |= {"group": "某集团", "business": "精密制造"}
    year["entrants"][4] |= {"group": "某集团", "business": "精密制造业"}
    write_content(clone / "docs", year)
    shown = server.push(clone, "2026 award year")
    assert "(exit 0)" in shown, shown
    assert "remote: 提醒（不影响发布）共 1 条" in shown
    assert "E4（精密制造）与 E5（精密制造业）的业务写法相近" in shown
    assert "remote: 已发布版本 " in shown
