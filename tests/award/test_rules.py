"""Every rule of the award, with a passing and a violating case; messages name file, entry, rule."""

from __future__ import annotations

import copy

from tests.content_files import credit_code, entrant, notice_text, valid_year

YEAR_FILE = "awards/2026.yml"


def only(problems: list[str], *fragments: str) -> None:
    """Assert there is exactly one problem and that it contains every fragment."""
    assert len(problems) == 1, problems
    for fragment in fragments:
        assert fragment in problems[0], problems[0]


def test_valid_year_passes(problems_of):
    assert problems_of(valid_year()) == []


def test_quota_economic_gold_over_two_fails(problems_of):
    year = valid_year()
    for entry in year["stages"]["committee"] + year["stages"]["publicity"]:
        if entry["entrant"] in ("E2", "E3"):
            entry["level"] = "gold"
            if "score" in entry:
                entry["score"] = 70
    problems = problems_of(year)
    assert any(
        "stages.publicity" in p and "经济类金奖列出 3 个，名额为 2 个" in p for p in problems
    ), problems
    assert all(YEAR_FILE in p and "[名额]" in p for p in problems), problems


def test_quota_non_economic_silver_over_one_fails(problems_of):
    year = valid_year()
    for stage in ("committee", "publicity"):
        year["stages"][stage] += [
            {"entrant": "C2", "level": "silver"},
            {"entrant": "C3", "level": "silver"},
        ]
    problems = problems_of(year)
    assert any(
        "stages.publicity" in p and "文化类银奖列出 2 个，名额为 1 个" in p for p in problems
    ), problems


def test_quota_full_year_of_twenty_one_passes(problems_of):
    entrants, publicity, committee = [], [], []
    levels = {"economic": ["gold"] * 2 + ["silver"] * 3 + ["bronze"] * 6}
    number = 0
    for category in ("economic", "culture", "social", "ecology", "management", "service"):
        for level in levels.get(category, ["gold", "silver"]):
            number += 1
            entrants.append(entrant(f"A{number}", number, category))
            publicity.append({"entrant": f"A{number}", "level": level})
            committee.append({"entrant": f"A{number}", "level": level, "score": 70})
    ids = [e["id"] for e in entrants]
    stages = {
        s: list(ids)
        for s in (
            "submission",
            "acceptance",
            "qualification",
            "material_review",
            "defence",
            "site_check",
        )
    }
    stages |= {"committee": committee, "publicity": publicity}
    assert len(publicity) == 21
    evaluation = {c: "site_check" for c in ("economic", "culture", "social", "ecology")}
    evaluation |= {"management": "site_check", "service": "site_check"}
    year = {"year": 2026, "evaluation": evaluation, "entrants": entrants, "stages": stages}
    assert problems_of(year) == []


def test_quota_special_award_is_unlimited(problems_of):
    year = valid_year()
    specials = [entrant(f"S{i}", 500 + i) for i in range(5)]
    year["entrants"] += specials
    year["stages"]["publicity"] += [{"entrant": s["id"], "level": "special"} for s in specials]
    assert problems_of(year) == []


def test_quota_repeat_winner_takes_no_quota(problems_of):
    year = valid_year()
    year["entrants"][1]["past_awards"] = [{"year": 2020, "level": "gold"}]
    for stage in ("committee", "publicity"):
        for entry in year["stages"][stage]:
            if entry["entrant"] == "E2":
                entry.update(
                    level="gold", repeat=True, score=70
                ) if stage == "committee" else entry.update(level="gold", repeat=True)
        year["stages"][stage].append({"entrant": "E4", "level": "gold"})
    year["stages"]["committee"][-1]["score"] = 71
    assert problems_of(year) == []


def test_repeat_mark_without_past_award_fails(problems_of):
    year = valid_year()
    year["stages"]["publicity"][1]["repeat"] = True
    only(
        problems_of(year),
        "stages.publicity[2]（E2）",
        "past_awards 和本站往年的市政府审定名单中都没有",
        "往年获银奖的记录",
        "[再次获同等次奖不占名额]",
    )


def test_repeat_winner_not_marked_fails(problems_of):
    year = valid_year()
    year["entrants"][2]["past_awards"] = [{"year": 2021, "level": "bronze"}]
    problems = problems_of(year)
    assert len(problems) == 2, problems  # committee and publicity both list E3 unmarked
    assert all(
        "曾于 2021 年度（见 past_awards）获铜奖" in p and "repeat: true" in p for p in problems
    )


def test_gold_winner_reapplying_within_three_years_fails(problems_of):
    year = valid_year()
    year["entrants"][5]["past_awards"] = [{"year": 2024, "level": "gold"}]
    only(
        problems_of(year),
        "entrants[6]（E6）",
        "2024 年度获金奖（见 past_awards），最早可申请 2027 年度",
        "自获奖年度起3年后方可再次申请",
        "本站的理解",
        "[金奖3年后方可再次申请]",
    )


def test_gold_winner_reapplying_after_three_years_passes(problems_of):
    year = valid_year()
    year["entrants"][5]["past_awards"] = [{"year": 2023, "level": "gold"}]
    assert problems_of(year) == []


def test_economic_project_entry_fails(problems_of):
    year = valid_year()
    year["entrants"][0] |= {"kind": "project", "project": "某项目"}
    only(problems_of(year), "entrants[1]（E1）", "经济类不接受项目申报", "[经济类只接受组织申报]")


def test_project_entry_in_culture_passes(problems_of):
    year = valid_year()
    assert year["entrants"][7]["kind"] == "project"
    assert problems_of(year) == []


def test_one_applicant_in_two_categories_fails(problems_of):
    year = valid_year()
    year["entrants"][6]["credit_code"] = year["entrants"][0]["credit_code"]
    problems = problems_of(year)
    assert len(problems) == 2 and all("[一个主体只申报一个类别]" in p for p in problems), problems


def test_group_with_two_same_business_entrants_fails(problems_of):
    year = valid_year()
    year["entrants"][3] |= {"group": "某集团", "business": "电子制造"}
    year["entrants"][4] |= {"group": "某集团", "business": "电子制造"}
    only(problems_of(year), "E4、E5", "不得超过一家", "[同一集团同类业务限一家]")


def test_group_with_different_businesses_passes(problems_of):
    year = valid_year()
    year["entrants"][3] |= {"group": "某集团", "business": "电子制造"}
    year["entrants"][4] |= {"group": "某集团", "business": "物流"}
    assert problems_of(year) == []


def test_stage_list_not_subset_of_previous_fails(problems_of):
    year = valid_year()
    year["stages"]["qualification"].remove("E6")
    problems = problems_of(year)
    assert any(
        "stages.material_review[6]（E6）" in p and "不在上一阶段（资格审查）名单中" in p
        for p in problems
    ), problems


def test_stage_list_without_previous_list_fails(problems_of):
    year = valid_year()
    del year["stages"]["material_review"]
    only(
        problems_of(year), "stages.defence", "缺少上一阶段（材料评审）名单", "[名单须来自上一阶段]"
    )


def test_stage_list_unknown_entrant_fails(problems_of):
    year = valid_year()
    year["stages"]["submission"].append("X9")
    only(problems_of(year), "stages.submission[10]（X9）", "没有编号为 X9 的申报主体")


def test_defence_list_over_two_to_one_fails(problems_of):
    year = valid_year()
    year["entrants"].append(entrant("C4", 104, "culture"))
    year["entrants"].append(entrant("C5", 105, "culture"))
    for stage in ("submission", "acceptance", "qualification", "material_review", "defence"):
        year["stages"][stage] += ["C4", "C5"]
    only(
        problems_of(year),
        "stages.defence",
        "文化类集中答辩名单 5 个，超过 2 × 授奖名额 2 = 4 个",
        "[入围与授奖比例不超过 2:1]",
    )


def test_defence_list_at_two_to_one_passes(problems_of):
    year = valid_year()
    year["entrants"].append(entrant("C4", 104, "culture"))
    for stage in ("submission", "acceptance", "qualification", "material_review", "defence"):
        year["stages"][stage].append("C4")
    assert problems_of(year) == []


def test_shortlist_over_one_and_a_half_to_one_fails(problems_of):
    year = valid_year()
    year["entrants"].append(entrant("C4", 104, "culture"))
    for stage in ("submission", "acceptance", "qualification", "material_review", "defence"):
        year["stages"][stage].append("C4")
    year["stages"]["social_evaluation"].append({"entrant": "C4", "score": 60})
    only(
        problems_of(year),
        "现场核查/社会评价名单 4 个，超过 1.5 × 授奖名额 2 = 3 个",
        "[入围与授奖比例不超过 1.5:1]",
    )


def test_shortlist_score_not_above_half_fails(problems_of):
    year = valid_year()
    year["stages"]["site_check"][5]["score"] = 50
    only(
        problems_of(year),
        "stages.site_check[6]（E6）",
        "综合评分 50%，须超过标准总分 50%",
        "[综合评分须超过总分50%]",
    )


def test_shortlist_score_just_above_half_passes(problems_of):
    year = valid_year()
    year["stages"]["site_check"][5]["score"] = 50.5
    assert problems_of(year) == []


def test_candidate_below_gold_threshold_fails(problems_of):
    year = valid_year()
    year["stages"]["committee"][0]["score"] = 59.9
    only(
        problems_of(year),
        "stages.committee[1]（E1）",
        "金奖候选须不低于标准总分 60%",
        "[候选等次分数线]",
    )


def test_candidate_at_thresholds_passes(problems_of):
    year = valid_year()
    for entry, score in zip(year["stages"]["committee"], (60, 55, 50, 60), strict=True):
        entry["score"] = score
    assert problems_of(year) == []


def test_level_not_awarded_in_category_fails(problems_of):
    year = valid_year()
    year["stages"]["committee"][3]["level"] = "bronze"
    year["stages"]["publicity"][3]["level"] = "bronze"
    problems = problems_of(year)
    assert len(problems) == 2 and all("文化类不设铜奖" in p for p in problems), problems


def test_site_check_and_social_evaluation_both_fails(problems_of):
    year = valid_year()
    year["stages"]["social_evaluation"].append({"entrant": "E6", "score": 70})
    problems = problems_of(year)
    assert any("同时列入现场核查和社会评价名单" in p for p in problems), problems


def test_bad_credit_code_fails(problems_of):
    year = valid_year()
    code = year["entrants"][0]["credit_code"]
    year["entrants"][0]["credit_code"] = code[:-1] + ("0" if code[-1] != "0" else "1")
    only(problems_of(year), "entrants[1]（E1）.credit_code", "校验位应为", "[统一社会信用代码校验]")


def test_duplicate_entrant_id_fails(problems_of):
    year = valid_year()
    year["entrants"].append(entrant("E1", 900))
    problems = problems_of(year)
    assert any("编号 E1 重复出现 2 次" in p for p in problems), problems


def test_unknown_category_names_the_entry_and_choices(problems_of):
    year = valid_year()
    year["entrants"][2]["category"] = "economy"
    problems = problems_of(year)
    assert any(
        f"{YEAR_FILE}: entrants[3]（E3）.category: 无法识别的取值“economy”" in p and "economic" in p
        for p in problems
    ), problems


def test_unknown_stage_is_refused(problems_of):
    year = valid_year()
    year["stages"]["interview"] = ["E1"]
    problems = problems_of(year)
    assert any("stages.interview" in p for p in problems), problems


def test_misspelt_key_is_refused(problems_of):
    year = valid_year()
    year["entrants"][0]["credit_cod"] = "x"
    problems = problems_of(year)
    assert any("entrants[1]（E1）.credit_cod: 未知的键" in p for p in problems), problems


def test_malformed_yaml_names_the_line(problems_of):
    text = "year: 2026\nentrants:\n  - id: E1\n    name: [unclosed\n"
    only(problems_of(text), YEAR_FILE, "YAML 格式错误", "[YAML]")


def test_ballot_window_under_five_working_days_fails(problems_of):
    year = valid_year()
    year["ballots"][0]["closes"] = "2026-11-19 17:00"
    only(
        problems_of(year),
        "ballots[1]（2026-culture）",
        "只有 4 个工作日",
        "[社会评价不少于5个工作日]",
    )


def test_ballot_over_national_day_counts_only_working_days(problems_of):
    year = valid_year()
    year["ballots"][0] |= {"opens": "2026-09-28", "closes": "2026-10-08"}
    only(problems_of(year), "只有 4 个工作日")
    year["ballots"][0]["closes"] = "2026-10-09"
    assert problems_of(year) == []


def test_ballot_in_unknown_year_names_the_year_and_file(problems_of):
    year = valid_year()
    year["ballots"][0] |= {"opens": "2026-12-28", "closes": "2027-01-08"}
    only(problems_of(year), "2027 年的节假日安排尚未收录", "award/data/holidays.yml", "[工作日]")


def test_ballot_without_candidates_fails(problems_of):
    year = valid_year()
    year["ballots"][0]["category"] = "social"
    only(problems_of(year), "社会类社会评价名单为空", "[投票候选须来自社会评价名单]")


def test_ballot_max_choices_over_candidates_fails(problems_of):
    year = valid_year()
    year["ballots"][0]["max_choices"] = 4
    only(problems_of(year), "每票最多选 4 个，但候选只有 3 个")


def test_publicity_window_of_five_working_days_passes(problems_of):
    notice = notice_text(
        kind="publicity",
        year=2026,
        stage="publicity",
        window={"start": "2026-09-28", "end": "2026-10-09"},
        objections=True,
    )
    assert problems_of(valid_year(), {"2026-09-28-publicity.md": notice}) == []


def test_publicity_window_counting_holiday_fails(problems_of):
    notice = notice_text(
        kind="publicity",
        year=2026,
        stage="publicity",
        window={"start": "2026-09-28", "end": "2026-10-08"},
    )
    only(
        problems_of(valid_year(), {"2026-09-28-publicity.md": notice}),
        "notices/2026-09-28-publicity.md: window",
        "2026年9月28日至10月8日 只有 4 个工作日",
        "[公示不少于5个工作日]",
    )


def test_publicity_window_by_working_days_skips_holiday(tmp_path):
    from award.content import load_notice
    from tests.content_files import write_content

    text = notice_text(kind="publicity", window={"start": "2026-09-28", "working_days": 5})
    root = write_content(tmp_path, None, {"2026-09-28-publicity.md": text})
    notice, problems = load_notice(root / "notices" / "2026-09-28-publicity.md")
    assert problems == []
    assert notice.window.describe() == "2026年9月28日至10月9日（5个工作日）"


def test_objections_on_a_list_other_than_publicity_fails(problems_of):
    notice = notice_text(
        kind="publicity",
        year=2026,
        stage="defence",
        window={"start": "2026-11-16", "end": "2026-11-20"},
        objections=True,
    )
    only(
        problems_of(valid_year(), {"2026-11-16-defence.md": notice}),
        "objections",
        "stage: publicity",
    )


def test_notice_for_missing_year_fails(problems_of):
    notice = notice_text(year=2025, stage="acceptance")
    only(
        problems_of(valid_year(), {"2025-05-01-acceptance.md": notice}), "没有 2025 年度的数据文件"
    )


def test_notice_without_front_matter_fails(problems_of):
    only(
        problems_of(valid_year(), {"2026-01-01-note.md": "# 标题\n"}),
        "2026-01-01-note.md",
        "YAML 头信息",
    )


def test_notice_with_bad_file_name_fails(problems_of):
    only(problems_of(valid_year(), {"公告.md": notice_text()}), "文件名只能由小写字母")


def test_demo_year_refused_in_production(problems_of):
    year = valid_year() | {"demo": True}
    year["ballots"][0]["id"] = "demo-2026-culture"
    only(
        problems_of(year, allow_demo=False),
        "演示年度数据不能发布到正式站点",
        "[演示数据不进入正式站点]",
    )
    assert problems_of(copy.deepcopy(year), allow_demo=True) == []


def test_demo_and_real_ids_never_share_a_name(problems_of):
    demo_year = valid_year() | {"demo": True}
    only(
        problems_of(demo_year, allow_demo=True),
        "ballots[1]（2026-culture）",
        "演示数据的投票编号须以 demo- 开头",
        "[演示数据与正式数据互不混用]",
    )
    real_year = valid_year()
    real_year["ballots"][0]["id"] = "demo-culture"
    only(
        problems_of(real_year),
        "投票编号 demo-culture 以 demo- 开头",
        "[演示数据与正式数据互不混用]",
    )
    notice = notice_text(year=2026, stage="defence")
    only(
        problems_of(valid_year(), {"demo-2026-11-16-defence.md": notice}),
        "notices/demo-2026-11-16-defence.md: demo:",
        "通知文件名 demo-2026-11-16-defence 以 demo- 开头",
    )


def test_a_demo_notice_is_named_demo(problems_of):
    demo_year = valid_year() | {"demo": True, "ballots": []}
    demo_notice = notice_text(year=2026, stage="defence", demo=True)
    only(
        problems_of(demo_year, {"2026-11-16-defence.md": demo_notice}),
        "演示数据的通知文件名须以 demo- 开头",
    )


def test_every_problem_is_reported_at_once(problems_of):
    year = valid_year()
    year["entrants"][0]["credit_code"] = credit_code(1)[:-1] + "Z"
    year["stages"]["site_check"][0]["score"] = 40
    year["ballots"][0]["closes"] = "2026-11-17 17:00"
    problems = problems_of(year)
    assert len(problems) >= 3, problems
