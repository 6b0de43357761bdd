"""Status lookup tells the truth: stopped at the last stage, award level after publicity."""

from __future__ import annotations

from award.models import AwardYear
from award.progress import entrant_progress
from site_plugins.status_lookup import look_up, status_index
from tests.content_files import valid_year


def standing(year: dict, entrant_id: str) -> str:
    progress = entrant_progress(AwardYear.model_validate(year), entrant_id)
    assert progress is not None
    return progress.describe()


def test_an_entrant_left_off_a_published_later_list_is_shown_stopped() -> None:
    year = valid_year()
    assert standing(year, "E5") == "未进入评委会审议（止于现场核查）"
    assert standing(year, "C2") == "未进入评委会审议（止于社会评价）"


def test_after_the_publicity_the_award_level_is_shown() -> None:
    year = valid_year()
    assert standing(year, "E1") == "拟奖：金奖（社会公示）"
    assert standing(year, "E2") == "拟奖：银奖（社会公示）"
    year["stages"]["approval"] = [{"entrant": "E1", "level": "gold", "repeat": True}]
    assert standing(year, "E1") == "获金奖（市政府审定，再次获得同一等次，不占名额）"
    assert standing(year, "E2") == "未进入市政府审定（止于社会公示）"


def test_an_entrant_at_the_latest_published_stage_is_shown_there() -> None:
    year = valid_year()
    for stage in ("committee", "publicity"):
        del year["stages"][stage]
    assert standing(year, "E5") == "已进入现场核查（目前已公布的最新阶段）"


def test_the_other_categorys_evaluation_list_does_not_stop_an_entrant() -> None:
    year = valid_year()
    for stage in ("site_check", "committee", "publicity"):
        del year["stages"][stage]
    # Only culture's social evaluation is published; economic entrants await their site check.
    assert standing(year, "E1") == "已进入集中答辩（目前已公布的最新阶段）"
    assert standing(year, "C1") == "已进入社会评价（目前已公布的最新阶段）"


def test_an_entrant_not_accepted_is_stopped_at_submission() -> None:
    year = valid_year()
    year["stages"]["acceptance"].remove("E6")
    for stage in ("qualification", "material_review", "defence"):
        year["stages"][stage].remove("E6")
    year["stages"]["site_check"] = [e for e in year["stages"]["site_check"] if e["entrant"] != "E6"]
    assert standing(year, "E6") == "未进入受理申报（止于系统申报）"


def test_status_index_carries_the_standing_and_level(tmp_path) -> None:
    from award.content import load_content
    from tests.content_files import write_content

    content = load_content([write_content(tmp_path, valid_year())])
    index = status_index(content)
    (e1,) = look_up(index, "测试单位E1")
    assert e1["status"] == "拟奖：金奖（社会公示）"
    assert e1["level"] == "金奖" and e1["stopped"] is False
    (e5,) = look_up(index, "测试单位E5")
    assert e5["stopped"] is True and e5["level"] is None
    assert "测试单位" not in index and e1["credit_code"] not in index
