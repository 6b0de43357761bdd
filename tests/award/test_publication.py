"""What is public on a day: per category, from a notice or the year file's day, whichever first."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from award.content import load_content
from award.models import Content
from award.problems import ContentError
from award.progress import entrant_progress
from award.publication import held_back, public_content
from award.stages import Stage
from tests.content_files import credit_code, notice_text, valid_year, write_content


def content_of(tmp_path: Path, year: dict, notices: dict[str, str] | None = None) -> Content:
    return load_content([write_content(tmp_path, year, notices)])


def listed(content: Content, day: date, stage: str) -> list[str]:
    (item,) = public_content(content, day).years
    return [entry.entrant for entry in item.data.stages.get(Stage(stage), [])]


def test_a_notice_for_one_category_releases_that_category_only(tmp_path: Path) -> None:
    year = valid_year()
    del year["published"]["site_check"]
    notices = {
        "2026-09-01-site-check.md": notice_text(
            title="2026年度经济类现场核查名单",
            date="2026-09-01",
            year=2026,
            stage="site_check",
            category="economic",
        )
    }
    year["evaluation"]["service"] = "site_check"
    year["entrants"].append(
        {
            "id": "S1",
            "name": "测试单位S1",
            "credit_code": credit_code(999),
            "category": "service",
            "kind": "organisation",
        }
    )
    for stage in ("submission", "acceptance", "qualification", "material_review", "defence"):
        year["stages"][stage].append("S1")
    year["stages"]["site_check"].append({"entrant": "S1", "score": 70})
    # Nothing after the defence but the notice (and culture's candidates, for its ballot).
    year["published"] = {"defence": "2026-07-15", "social_evaluation": "2026-09-01"}
    content = content_of(tmp_path, year, notices)
    assert listed(content, date(2026, 8, 31), "site_check") == []
    assert "S1" not in listed(content, date(2026, 9, 1), "site_check")
    assert "E1" in listed(content, date(2026, 9, 1), "site_check")
    (item,) = public_content(content, date(2026, 9, 1)).years
    service = entrant_progress(item.data, "S1")
    assert service is not None and service.describe() == "已进入集中答辩（目前已公布的最新阶段）"
    economic = entrant_progress(item.data, "E6")
    assert economic is not None and economic.last is Stage.SITE_CHECK
    lines = held_back(content, date(2026, 9, 1))
    assert any(line.startswith("不公开：2026年度服务类现场核查名单") for line in lines), lines


def test_the_earlier_of_notice_and_published_day_counts(tmp_path: Path) -> None:
    year = valid_year()
    year["published"]["defence"] = "2026-08-01"
    notices = {
        "2026-07-20-defence.md": notice_text(
            title="2026年度集中答辩名单", date="2026-07-20", year=2026, stage="defence"
        )
    }
    content = content_of(tmp_path, year, notices)
    assert listed(content, date(2026, 7, 19), "defence") == []
    assert len(listed(content, date(2026, 7, 20), "defence")) == 9


def test_an_entrant_on_no_public_list_is_not_in_the_public_year(tmp_path: Path) -> None:
    year = valid_year()
    year["published"] = {"acceptance": "2026-04-15"}
    del year["ballots"]
    year["stages"]["acceptance"] = [e for e in year["stages"]["acceptance"] if e != "E6"]
    for stage in ("qualification", "material_review", "defence"):
        year["stages"][stage].remove("E6")
    year["stages"]["site_check"] = [e for e in year["stages"]["site_check"] if e["entrant"] != "E6"]
    content = content_of(tmp_path, year)
    (item,) = public_content(content, date(2026, 12, 1)).years
    assert "E6" not in {e.id for e in item.data.entrants}
    assert {e.id for e in item.data.entrants} == set(year["stages"]["acceptance"])
    assert item.data.stages.keys() == {Stage.ACCEPTANCE}


def test_a_ballot_that_opens_before_its_candidates_are_public_is_refused(tmp_path: Path) -> None:
    year = valid_year()
    year["published"]["social_evaluation"] = "2026-11-17"
    with pytest.raises(ContentError, match="投票前公布候选名单") as refused:
        content_of(tmp_path, year)
    assert "却到 2026-11-17 才公布" in str(refused.value)
    del year["published"]["social_evaluation"]
    with pytest.raises(ContentError, match="没有公布它的通知（stage: social_evaluation）"):
        content_of(tmp_path, year)


def test_held_back_lists_notices_with_the_lists_they_release(tmp_path: Path) -> None:
    year = valid_year()
    del year["published"]["publicity"], year["published"]["committee"]
    notices = {
        "2026-11-16-publicity.md": notice_text(
            kind="publicity",
            year=2026,
            stage="publicity",
            window={"start": "2026-11-16", "working_days": 5},
        )
    }
    content = content_of(tmp_path, year, notices)
    never = (
        "不公开：2026年度评委会审议名单没有公布它的通知，年度文件 published 中也没有它的日期"
        f"（{tmp_path / 'awards/2026.yml'}）"
    )
    assert held_back(content, date(2026, 11, 15)) == [
        "2026-11-16 起发布：通知“2026年度拟奖名单公示”（2026-11-16-publicity.md），"
        "随之公开：2026年度社会公示名单",
        never,
    ]
    assert held_back(content, date(2026, 11, 16)) == [never]
