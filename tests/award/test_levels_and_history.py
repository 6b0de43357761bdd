"""Levels held from the candidate lists to approval; earlier awards read from the site's own years."""

from __future__ import annotations

from pathlib import Path

import yaml

from award.guide_quotes import APPROVAL, CANDIDATES, GOLD_REAPPLY, SAME_LEVEL_AGAIN
from award.history import GOLD_REAPPLY_READING
from tests.content_files import entrant, valid_year, winner_year


def only(problems: list[str], *fragments: str) -> None:
    """Exactly one problem, containing every fragment."""
    assert len(problems) == 1, problems
    for fragment in fragments:
        assert fragment in problems[0], problems[0]


def entry_of(year: dict, stage: str, entrant_id: str) -> dict:
    return next(e for e in year["stages"][stage] if e["entrant"] == entrant_id)


# -- candidate lists carry scores ----------------------------------------------------------------


def test_candidate_without_a_score_fails_and_quotes_the_guide(problems_of):
    year = valid_year()
    del entry_of(year, "committee", "E1")["score"]
    only(
        problems_of(year),
        "stages.committee[1]（E1）",
        "金奖候选须写明评分 score",
        CANDIDATES,
        "[候选名单须有评分]",
    )


def test_special_award_needs_no_candidate_score(problems_of):
    year = valid_year()
    year["entrants"].append(entrant("S1", 501))
    year["stages"]["committee"].append({"entrant": "S1", "level": "special"})
    year["stages"]["publicity"].append({"entrant": "S1", "level": "special"})
    assert problems_of(year) == []


# -- levels never rise after the candidate list --------------------------------------------------


def test_silver_candidate_at_57_published_as_gold_fails(problems_of):
    year = valid_year()
    entry_of(year, "committee", "E2")["score"] = 57
    entry_of(year, "publicity", "E2")["level"] = "gold"
    only(
        problems_of(year),
        "stages.publicity[2]（E2）",
        "拟奖名单中为金奖，但候选名单中为银奖（评分 57%）",
        CANDIDATES,
        "[等次不高于候选等次]",
    )


def test_culture_silver_candidate_at_58_published_as_gold_fails(problems_of):
    year = valid_year()
    year["stages"]["committee"][3] |= {"entrant": "C1", "score": 58, "level": "silver"}
    only(
        problems_of(year),
        "stages.publicity[4]（C1）",
        "但候选名单中为银奖（评分 58%）",
        "[等次不高于候选等次]",
    )


def test_candidate_at_55_5_without_score_cannot_pass_as_gold(problems_of):
    year = valid_year()
    year["stages"]["site_check"][1]["score"] = 55.5
    entry_of(year, "committee", "E2").update(level="gold")
    del entry_of(year, "committee", "E2")["score"]
    entry_of(year, "publicity", "E2")["level"] = "gold"
    only(problems_of(year), "stages.committee[2]（E2）", "[候选名单须有评分]")


def test_published_below_the_candidate_level_passes(problems_of):
    year = valid_year()
    entry_of(year, "publicity", "E1")["level"] = "silver"
    assert problems_of(year) == []


def test_approval_above_the_published_level_fails(problems_of):
    year = valid_year()
    entry_of(year, "publicity", "E1")["level"] = "silver"
    year["stages"]["approval"] = [
        {"entrant": e["entrant"], "level": e["level"]} for e in year["stages"]["publicity"]
    ]
    entry_of(year, "approval", "E1")["level"] = "gold"
    only(
        problems_of(year),
        "stages.approval[1]（E1）",
        "但公示的拟奖名单中为银奖",
        APPROVAL,
        "[等次不高于拟奖等次]",
    )


def test_approval_above_the_candidate_level_fails(problems_of):
    year = valid_year()
    year["stages"]["approval"] = [
        {"entrant": e["entrant"], "level": e["level"]} for e in year["stages"]["publicity"]
    ]
    entry_of(year, "approval", "E3")["level"] = "silver"
    problems = problems_of(year)
    assert any(
        "stages.approval[3]（E3）" in p and "候选名单中为铜奖（评分 52%）" in p for p in problems
    ), problems


# -- the site's own earlier years ----------------------------------------------------------------


def write_earlier(tmp_path: Path, year: dict) -> None:
    folder = tmp_path / "content" / "awards"
    folder.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(year, allow_unicode=True, sort_keys=False)
    (folder / f"{year['year']}.yml").write_text(text, encoding="utf-8")


def former(record: dict, new_id: str) -> dict:
    """The same applicant (same credit code) as entered in an earlier year, under another id."""
    return record | {"id": new_id, "name": record["name"] + "（往年）"}


def test_gold_winner_in_an_earlier_year_file_cannot_reapply_within_three_years(
    problems_of, tmp_path
):
    year = valid_year()
    write_earlier(tmp_path, winner_year(2024, former(year["entrants"][5], "W1"), "gold"))
    only(
        problems_of(year),
        "awards/2026.yml: entrants[6]（E6）",
        "2024 年度获金奖（见 ",
        "awards/2024.yml 的市政府审定名单（approval））",
        "最早可申请 2027 年度",
        GOLD_REAPPLY,
        GOLD_REAPPLY_READING,
        "[金奖3年后方可再次申请]",
    )


def test_gold_winner_applies_again_from_the_third_year_after(problems_of, tmp_path):
    year = valid_year()
    write_earlier(tmp_path, winner_year(2023, former(year["entrants"][5], "W1"), "gold"))
    assert problems_of(year) == []


def test_an_earlier_publicity_without_approval_is_not_an_award(problems_of, tmp_path):
    year = valid_year()
    earlier = winner_year(2025, former(year["entrants"][5], "W1"), "gold", to="publicity")
    write_earlier(tmp_path, earlier)
    assert problems_of(year) == []


def test_repeat_winner_from_an_earlier_year_file_must_be_marked(problems_of, tmp_path):
    year = valid_year()
    write_earlier(tmp_path, winner_year(2022, former(year["entrants"][2], "B1"), "bronze"))
    problems = problems_of(year)
    assert len(problems) == 2, problems  # the candidate list and the publicity list
    for problem in problems:
        assert "曾于 2022 年度（见 " in problem and "获铜奖，再次获得应标注" in problem
        assert SAME_LEVEL_AGAIN in problem


def test_repeat_mark_backed_by_an_earlier_year_file_passes(problems_of, tmp_path):
    year = valid_year()
    write_earlier(tmp_path, winner_year(2022, former(year["entrants"][2], "B1"), "bronze"))
    for stage in ("committee", "publicity"):
        entry_of(year, stage, "E3")["repeat"] = True
    assert problems_of(year) == []


def test_history_goes_by_credit_code_not_by_id_or_name(problems_of, tmp_path):
    year = valid_year()
    other = entrant("Z9", 999) | {"name": year["entrants"][5]["name"]}
    write_earlier(tmp_path, winner_year(2025, other, "gold"))
    assert problems_of(year) == []


def test_a_demo_years_awards_do_not_count_for_the_real_years(problems_of, tmp_path):
    year = valid_year()
    demo = winner_year(2025, former(year["entrants"][5], "W1"), "gold") | {"demo": True}
    write_earlier(tmp_path, demo)
    assert problems_of(year, allow_demo=True) == []
