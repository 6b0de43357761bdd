"""``szmqa new-notice``: plain dates, vote notices, refusals with the real reason, scheduled notices."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.content_files import valid_year, write_content
from tests.project_copy import copy_project, szmqa


def header_of(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def test_new_notice_writes_plain_dates_without_anchors(tmp_path: Path) -> None:
    write_content(tmp_path / "docs", valid_year())
    result = szmqa(
        "new-notice", "--title", "2026年度拟奖名单公示", "--slug", "publicity",
        "--date", "2026-11-16", "--kind", "publicity", "--year", "2026",
        "--stage", "publicity", "--objections", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "docs/notices/2026-11-16-publicity.md").read_text(encoding="utf-8")
    assert "&id" not in text and "*id" not in text
    assert "date: 2026-11-16\n" in text and "  start: 2026-11-16\n" in text
    assert szmqa("check", cwd=tmp_path).returncode == 0


def test_new_notice_takes_the_ballots_and_category_of_a_vote_notice(tmp_path: Path) -> None:
    write_content(tmp_path / "docs", valid_year())
    result = szmqa(
        "new-notice", "--title", "2026年度文化类社会评价网络投票", "--slug", "culture-vote",
        "--date", "2026-11-13", "--year", "2026", "--stage", "social_evaluation",
        "--category", "culture", "--ballot", "2026-culture", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    header = header_of(tmp_path / "docs/notices/2026-11-13-culture-vote.md")
    assert header["category"] == "culture" and header["ballots"] == ["2026-culture"]
    assert szmqa("check", cwd=tmp_path).returncode == 0


def test_new_notice_refuses_fewer_than_five_working_days_at_once(tmp_path: Path) -> None:
    result = szmqa(
        "new-notice", "--title", "2026年度拟奖名单公示", "--slug", "publicity",
        "--date", "2026-11-16", "--kind", "publicity", "--working-days", "4", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    assert "公示期 4 个工作日太短" in result.stderr and "不少于 5 个工作日" in result.stderr
    assert not (tmp_path / "docs/notices").exists() or not any(
        (tmp_path / "docs/notices").iterdir()
    )


def test_new_notice_names_the_real_reason_for_a_bad_slug(tmp_path: Path) -> None:
    reasons = {
        "Publicity": "含大写字母 P",
        "公示": "含不允许的字符 “公”、“示”",
        "final_list": "含不允许的字符 “_”",
        "x": "太短",
        "-list": "不能以 - 开头",
        "demo-list": "demo- 留给演示数据",
    }
    for slug, reason in reasons.items():
        result = szmqa(
            "new-notice", "--title", "关于名单的公告", f"--slug={slug}", "--date", "2026-11-16",
            cwd=tmp_path,
        )  # fmt: skip
        assert result.returncode == 1, slug
        assert reason in result.stderr, (slug, result.stderr)
        assert "Traceback" not in result.stderr


def test_a_notice_dated_later_is_published_on_its_date(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    write_content(project / "docs", valid_year())
    result = szmqa(
        "new-notice", "--title", "2026年度集中答辩名单", "--slug", "defence",
        "--date", "2026-11-25", "--year", "2026", "--stage", "defence", cwd=project,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    page = Path("notices/2026-11-25-defence/index.html")

    before = szmqa("build", "--site", "before", cwd=project, now="2026-11-24T23:59:00+08:00")
    assert before.returncode == 0, before.stderr
    assert not (project / "before" / page).exists()
    index = (project / "before/notices/index.html").read_text(encoding="utf-8")
    feed = (project / "before/notices/feed.xml").read_text(encoding="utf-8")
    assert "集中答辩名单" not in index and "2026-11-25-defence" not in feed

    on_the_day = szmqa("build", "--site", "after", cwd=project, now="2026-11-25T00:00:00+08:00")
    assert on_the_day.returncode == 0, on_the_day.stderr
    assert "集中答辩名单" in (project / "after" / page).read_text(encoding="utf-8")


def test_check_lists_the_notices_waiting_for_their_date(tmp_path: Path) -> None:
    write_content(tmp_path / "docs", valid_year())
    made = szmqa(
        "new-notice", "--title", "2026年度集中答辩名单", "--slug", "defence",
        "--date", "2026-11-25", "--year", "2026", "--stage", "defence", cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    early = szmqa("check", cwd=tmp_path, now="2026-11-24T10:00:00+08:00")
    assert early.returncode == 0
    assert "2026-11-25 起发布：通知“2026年度集中答辩名单”（2026-11-25-defence.md）" in early.stdout
    on_the_day = szmqa("check", cwd=tmp_path, now="2026-11-25T00:00:00+08:00")
    assert "起发布" not in on_the_day.stdout
