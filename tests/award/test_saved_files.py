"""Content as people save it: byte-order marks and CRLF read; full-width punctuation, open quotes,
impossible dates and lengths named at their line with their number."""

from __future__ import annotations

from datetime import date

import yaml

from award.calendar import WorkingDayCalendar
from award.content import load_notice
from tests.award.test_messages import PUBLICITY, run_check, year_text
from tests.content_files import notice_text, valid_year, write_content

BOM = "\ufeff"


def as_saved(text: str, *, bom: bool, crlf: bool) -> str:
    """Text as an editor on Windows may save it."""
    text = text.replace("\n", "\r\n") if crlf else text
    return BOM + text if bom else text


def line_number(text: str, fragment: str) -> int:
    return next(n for n, row in enumerate(text.split("\n"), start=1) if fragment in row)


def test_year_file_and_notices_with_bom_and_crlf_pass(tmp_path):
    for bom, crlf in ((True, False), (False, True), (True, True)):
        folder = tmp_path / f"{bom}-{crlf}"
        notices = {name: as_saved(text, bom=bom, crlf=crlf) for name, text in PUBLICITY.items()}
        docs = write_content(folder, as_saved(year_text(valid_year()), bom=bom, crlf=crlf), notices)
        out, err, code = run_check(docs)
        assert code == 0, err
        assert "3 个通知" in out


def test_notice_with_bom_and_crlf_keeps_its_front_matter_and_body(tmp_path):
    text = as_saved(
        notice_text(kind="publicity", window={"start": "2026-11-16", "working_days": 5}),
        bom=True,
        crlf=True,
    )
    root = write_content(tmp_path, None, {"2026-11-16-publicity.md": text})
    notice, problems = load_notice(root / "notices" / "2026-11-16-publicity.md")
    assert problems == [] and notice is not None
    assert notice.meta.title == "2026年度拟奖名单公示"
    assert notice.body.strip() == "正文。" and "\r" not in notice.body


def test_holiday_file_with_bom_and_crlf_is_read(tmp_path):
    schedule = {
        2031: {
            "source": "国办发明电〔2030〕1号",
            "holidays": [date(2031, 1, 1)],
            "workdays": [date(2031, 1, 4)],
        }
    }
    path = tmp_path / "holidays.yml"
    text = yaml.safe_dump(schedule, allow_unicode=True)
    path.write_bytes(as_saved(text, bom=True, crlf=True).encode("utf-8"))
    calendar = WorkingDayCalendar(path)
    assert not calendar.is_working_day(date(2031, 1, 1))
    assert calendar.is_working_day(date(2031, 1, 4))  # a Saturday worked


# -- full-width punctuation ------------------------------------------------------------------------


def test_full_width_colon_after_the_year_key_is_named_at_its_line(problems_of):
    text = year_text(valid_year()).replace("year: 2026", "year：2026", 1)
    (problem,) = problems_of(text)
    assert "第 1 行第 5 列" in problem and "全角冒号“：”" in problem, problem
    assert "[全角标点]" in problem


def test_full_width_colon_inside_an_entrant_is_named_at_its_line(problems_of):
    text = year_text(valid_year()).replace("  name: 测试单位E3", "  name：测试单位E3", 1)
    (problem,) = problems_of(text)
    assert f"第 {line_number(text, 'name：测试单位E3')} 行" in problem, problem
    assert "全角冒号“：”" in problem


def test_full_width_space_as_indentation_is_named(problems_of):
    text = year_text(valid_year()).replace("\n  name: 测试单位E2", "\n\u3000name: 测试单位E2", 1)
    problems = problems_of(text)
    assert problems and "行首有全角空格" in problems[0], problems
    assert f"第 {line_number(text, chr(0x3000) + 'name')} 行" in problems[0]


def test_full_width_comma_in_a_notice_list_is_named(problems_of):
    notice = notice_text(year=2026, ballots=["2026-culture"]).replace(
        "- 2026-culture", "[2026-culture，2026-social]"
    )
    notice = notice.replace("ballots:\n[", "ballots: [")
    problems = problems_of(valid_year(), {"2026-11-16-vote.md": notice})
    assert any("全角逗号“，”" in p and "第 " in p for p in problems), problems


def test_full_width_dash_as_a_list_item_is_named(problems_of):
    text = year_text(valid_year()).replace("- id: E4", "－ id: E4", 1)
    problems = problems_of(text)
    assert problems and "横线“－”" in problems[0], problems
    assert f"第 {line_number(text, '－ id: E4')} 行" in problems[0]


# -- quotes, dates, lengths ----------------------------------------------------------------------


def test_unclosed_single_quote_is_reported_at_the_line_that_opens_it(problems_of):
    text = year_text(valid_year()).replace("name: 测试单位E2", "name: '测试单位E2", 1)
    (problem,) = problems_of(text)
    assert f"第 {line_number(text, chr(39) + '测试单位E2')} 行" in problem, problem
    assert "引号 ' 没有闭合" in problem


def test_unclosed_double_quote_in_a_notice_title_is_reported_at_its_line(problems_of):
    notice = '---\ntitle: "2026年度拟奖名单公示\ndate: 2026-11-16\nyear: 2026\n---\n\n正文。\n'
    (problem,) = problems_of(valid_year(), {"2026-11-16-notice.md": notice})
    assert "头信息" in problem and "第 2 行" in problem and '引号 " 没有闭合' in problem, problem


def test_impossible_unquoted_date_names_its_line(problems_of):
    year = valid_year()
    text = year_text(year).replace("opens: 2026-11-16 09:00", "opens: 2026-02-30 09:00")
    (problem,) = problems_of(text)
    assert f"第 {line_number(text, '2026-02-30')} 行" in problem, problem
    assert "日期 2026-02-30 不存在：2026 年 2 月只有 28 天，没有 30 日" in problem


def test_impossible_month_names_its_line(problems_of):
    notice = "---\ntitle: 2026年度公告\ndate: 2026-13-01\n---\n\n正文。\n"
    (problem,) = problems_of(valid_year(), {"2026-11-16-notice.md": notice})
    assert "第 3 行" in problem and "月份 13 不存在" in problem, problem


def test_impossible_quoted_date_names_its_line(problems_of):
    notice = '---\ntitle: 2026年度公告\ndate: "2026-02-30"\n---\n\n正文。\n'
    (problem,) = problems_of(valid_year(), {"2026-11-16-notice.md": notice})
    assert "第 3 行" in problem and "2 月只有 28 天" in problem, problem


def test_name_over_its_limit_states_the_limit_and_the_length(problems_of):
    year = valid_year()
    year["entrants"][0]["name"] = "深" * 103
    (problem,) = problems_of(year)
    assert "entrants[1]（E1）.name" in problem
    assert "内容过长：不超过 100 个字符（当前 103 个字符）" in problem


def test_every_limit_is_stated_with_its_number(problems_of):
    year = valid_year()
    year["ballots"][0]["max_choices"] = 21
    year["entrants"][1]["name"] = "深"
    problems = problems_of(year)
    assert any("数值过大：应不大于 20（当前为“21”）" in p for p in problems), problems
    assert any("内容过短：至少 2 个字符（当前 1 个字符）" in p for p in problems), problems
    notice = notice_text(number="深" * 41, title="公告")
    problems = problems_of(valid_year(), {"2026-11-16-notice.md": notice})
    assert any("不超过 40 个字符（当前 41 个字符）" in p for p in problems), problems
    assert any("至少 4 个字符（当前 2 个字符）" in p for p in problems), problems


def test_notice_file_name_rule_states_its_length(problems_of):
    (problem,) = problems_of(valid_year(), {"ab.md": notice_text()})
    assert "3 至 81 个字符" in problem
