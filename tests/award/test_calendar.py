"""Tests for the Chinese working-day calendar."""

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from award import calendar
from award.calendar import (
    HOLIDAYS_FILE,
    SHANGHAI,
    WorkingDayCalendar,
    add_working_days,
    default_calendar,
    is_working_day,
    load_schedule_file,
    working_days,
)
from award.errors import AwardError, UnknownYearError

# A schedule invented for these tests only; it is NOT the State Council's 2027 schedule.
MADE_UP_2027 = """\
2027:
  source: 测试用虚构安排（并非国务院办公厅通知）
  holidays: [2027-01-01, 2027-10-01, 2027-10-04]
  workdays: [2027-09-26]
"""


def days_between(first: date, last: date) -> list[date]:
    """List every date from first to last inclusive."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def write_schedule(tmp_path: Path, text: str) -> Path:
    """Write a holiday data file into tmp_path and return its path."""
    path = tmp_path / "holidays.yml"
    path.write_text(text, encoding="utf-8")
    return path


def malformed_message(tmp_path: Path, text: str) -> tuple[str, str]:
    """Load a malformed schedule file and return (its path, the AwardError message)."""
    path = write_schedule(tmp_path, text)
    with pytest.raises(AwardError) as caught:
        WorkingDayCalendar(path)
    assert not isinstance(caught.value, UnknownYearError)
    return str(path), str(caught.value)


# --- now / today ---------------------------------------------------------------------------


def test_now_is_aware_in_shanghai() -> None:
    moment = calendar.now()
    assert moment.tzinfo is SHANGHAI
    assert moment.utcoffset() == timedelta(hours=8)


def test_today_is_the_shanghai_date() -> None:
    assert calendar.today() in {calendar.now().date(), (calendar.now() - timedelta(1)).date()}


# --- 2026 facts from chinese_calendar --------------------------------------------------------


def test_national_day_2026_is_off() -> None:
    for day in days_between(date(2026, 10, 1), date(2026, 10, 7)):
        assert not is_working_day(day), day


def test_national_day_2026_adjusted_working_days() -> None:
    assert is_working_day(date(2026, 9, 20))  # Sunday, 调休上班
    assert is_working_day(date(2026, 10, 10))  # Saturday, 调休上班
    assert not is_working_day(date(2026, 10, 11))  # ordinary Sunday
    assert is_working_day(date(2026, 10, 8))


def test_mid_autumn_2026_friday_is_off() -> None:
    assert not is_working_day(date(2026, 9, 25))


def test_spring_festival_2026_is_off() -> None:
    for day in days_between(date(2026, 2, 15), date(2026, 2, 23)):
        assert not is_working_day(day), day
    assert is_working_day(date(2026, 2, 24))


def test_spring_festival_2026_adjusted_working_days() -> None:
    assert is_working_day(date(2026, 2, 14))  # Saturday, 调休上班
    assert is_working_day(date(2026, 2, 28))  # Saturday, 调休上班
    assert not is_working_day(date(2026, 2, 7))  # ordinary Saturday


def test_new_year_2026_sunday_is_a_working_day() -> None:
    assert is_working_day(date(2026, 1, 4))
    assert not is_working_day(date(2026, 1, 2))


def test_calendar_agrees_with_package_every_day_2025_2026() -> None:
    for day in days_between(date(2025, 1, 1), date(2026, 12, 31)):
        assert is_working_day(day) == chinese_calendar.is_workday(day), day


# --- windows and counts --------------------------------------------------------------------


def test_add_working_days_skips_national_day() -> None:
    assert add_working_days(date(2026, 9, 28), 5) == date(2026, 10, 9)


def test_add_working_days_one_is_the_start_when_it_is_a_working_day() -> None:
    assert add_working_days(date(2026, 9, 28), 1) == date(2026, 9, 28)


def test_add_working_days_from_a_holiday_starts_on_the_next_working_day() -> None:
    assert add_working_days(date(2026, 10, 1), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 10, 1), 3) == date(2026, 10, 10)


def test_add_working_days_from_a_weekend_starts_on_monday() -> None:
    assert add_working_days(date(2026, 10, 11), 1) == date(2026, 10, 12)


def test_add_working_days_crosses_the_year_boundary() -> None:
    # 2025-12-31 (Wed) is day 1; 2026-01-01..03 are off; Sunday 2026-01-04 is worked.
    assert add_working_days(date(2025, 12, 31), 2) == date(2026, 1, 4)


def test_next_working_day() -> None:
    cal = default_calendar()
    assert cal.next_working_day(date(2026, 10, 1)) == date(2026, 10, 8)
    assert cal.next_working_day(date(2026, 10, 8)) == date(2026, 10, 8)
    assert cal.next_working_day(date(2026, 2, 15)) == date(2026, 2, 24)


def test_working_days_over_national_day() -> None:
    assert working_days(date(2026, 9, 28), date(2026, 10, 11)) == 6
    assert working_days(date(2026, 10, 1), date(2026, 10, 7)) == 0


def test_working_days_single_day() -> None:
    assert working_days(date(2026, 10, 10), date(2026, 10, 10)) == 1
    assert working_days(date(2026, 10, 11), date(2026, 10, 11)) == 0


def test_working_days_months_and_year_2026() -> None:
    assert working_days(date(2026, 2, 1), date(2026, 2, 28)) == 16
    assert working_days(date(2026, 9, 1), date(2026, 10, 31)) == 40
    assert working_days(date(2026, 1, 1), date(2026, 12, 31)) == 248


def test_working_days_across_years() -> None:
    expected = len(chinese_calendar.get_workdays(date(2025, 6, 1), date(2026, 6, 30)))
    assert working_days(date(2025, 6, 1), date(2026, 6, 30)) == expected


def test_working_days_and_add_working_days_agree() -> None:
    start = date(2026, 9, 28)
    for count in range(1, 60):
        end = add_working_days(start, count)
        assert working_days(start, end) == count
        assert is_working_day(end)


def test_working_days_start_after_end_is_an_error() -> None:
    with pytest.raises(AwardError, match="2026-10-09 晚于结束日期 2026-10-01"):
        working_days(date(2026, 10, 9), date(2026, 10, 1))


def test_add_working_days_count_below_one_is_an_error() -> None:
    for count in (0, -3):
        with pytest.raises(AwardError, match=f"实为 {count}"):
            add_working_days(date(2026, 9, 28), count)


# --- unknown years -------------------------------------------------------------------------


def test_unknown_year_2027_names_the_year_and_file() -> None:
    with pytest.raises(UnknownYearError) as caught:
        is_working_day(date(2027, 3, 1))
    message = str(caught.value)
    assert "2027 年" in message
    assert "award/data/holidays.yml" in message


def test_unknown_year_before_package_data() -> None:
    with pytest.raises(UnknownYearError, match="2003 年"):
        is_working_day(date(2003, 5, 1))


def test_window_running_into_unknown_year_raises() -> None:
    # 2026-12-28..31 give only 4 working days; the fifth would be in 2027.
    assert add_working_days(date(2026, 12, 28), 4) == date(2026, 12, 31)
    with pytest.raises(UnknownYearError, match="2027"):
        add_working_days(date(2026, 12, 28), 5)


def test_count_running_into_unknown_year_raises() -> None:
    with pytest.raises(UnknownYearError, match="2027"):
        working_days(date(2026, 12, 1), date(2027, 1, 31))


def test_unknown_year_names_the_custom_file(tmp_path: Path) -> None:
    path = write_schedule(tmp_path, "{}\n")
    with pytest.raises(UnknownYearError) as caught:
        WorkingDayCalendar(path).is_working_day(date(2027, 3, 1))
    assert str(path) in str(caught.value)


# --- the data file -------------------------------------------------------------------------


def test_shipped_schedule_file_is_valid() -> None:
    for year, schedule in load_schedule_file(HOLIDAYS_FILE).items():
        assert schedule.year == year
        assert schedule.holidays


def test_schedule_file_with_only_comments_is_empty(tmp_path: Path) -> None:
    assert load_schedule_file(write_schedule(tmp_path, "# 尚无数据\n")) == {}


def test_schedule_file_defines_2027(tmp_path: Path) -> None:
    cal = WorkingDayCalendar(write_schedule(tmp_path, MADE_UP_2027))
    assert not cal.is_working_day(date(2027, 1, 1))  # listed holiday, a Friday
    assert cal.is_working_day(date(2027, 1, 4))  # ordinary Monday
    assert cal.is_working_day(date(2027, 9, 26))  # listed weekend workday, a Sunday
    assert not cal.is_working_day(date(2027, 9, 25))  # ordinary Saturday
    assert not cal.is_working_day(date(2027, 10, 4))  # listed holiday, a Monday
    assert cal.add_working_days(date(2027, 9, 30), 2) == date(2027, 10, 5)
    assert cal.working_days(date(2027, 9, 26), date(2027, 10, 5)) == 6


def test_schedule_file_2027_lets_windows_cross_from_2026(tmp_path: Path) -> None:
    cal = WorkingDayCalendar(write_schedule(tmp_path, MADE_UP_2027))
    # 2026-12-28..31 are 4 working days; 2027-01-01 is a made-up holiday; then Monday 01-04.
    assert cal.add_working_days(date(2026, 12, 28), 5) == date(2027, 1, 4)


def test_schedule_file_overrides_a_package_year(tmp_path: Path) -> None:
    text = "2026:\n  source: 测试用更正\n  holidays: [2026-01-01]\n  workdays: []\n"
    cal = WorkingDayCalendar(write_schedule(tmp_path, text))
    assert cal.is_working_day(date(2026, 10, 1))  # the package says off; the file wins
    assert not cal.is_working_day(date(2026, 10, 10))  # the package says worked; the file wins
    assert not cal.is_working_day(date(2026, 1, 1))
    assert cal.schedule(2026).source == "测试用更正"
    assert not cal.is_working_day(date(2025, 10, 1))  # other years still come from the package


# --- malformed data files ------------------------------------------------------------------


def test_malformed_file_missing(tmp_path: Path) -> None:
    path = tmp_path / "absent.yml"
    with pytest.raises(AwardError, match="无法读取") as caught:
        WorkingDayCalendar(path)
    assert str(path) in str(caught.value)


def test_malformed_file_invalid_yaml(tmp_path: Path) -> None:
    path, message = malformed_message(tmp_path, "2027: [unclosed\n")
    assert path in message
    assert "不是有效的 YAML" in message


def test_malformed_file_top_level_list(tmp_path: Path) -> None:
    path, message = malformed_message(tmp_path, "- 2027-01-01\n")
    assert path in message
    assert "顶层应为以年份为键的映射" in message


def test_malformed_file_year_key_not_a_year(tmp_path: Path) -> None:
    path, message = malformed_message(tmp_path, "二〇二七:\n  source: x\n")
    assert path in message
    assert "二〇二七" in message


def test_malformed_file_duplicate_year(tmp_path: Path) -> None:
    path, message = malformed_message(tmp_path, MADE_UP_2027 + MADE_UP_2027)
    assert path in message
    assert "2027 重复" in message


def test_malformed_file_entry_not_a_mapping(tmp_path: Path) -> None:
    path, message = malformed_message(tmp_path, "2027: [2027-01-01]\n")
    assert path in message
    assert "2027 年" in message


def test_malformed_file_missing_field(tmp_path: Path) -> None:
    text = "2027:\n  source: x\n  holidays: [2027-01-01]\n"
    path, message = malformed_message(tmp_path, text)
    assert path in message
    assert "2027 年" in message
    assert "缺少字段 workdays" in message


def test_malformed_file_unknown_field(tmp_path: Path) -> None:
    text = MADE_UP_2027 + "  holiday: [2027-05-03]\n"
    path, message = malformed_message(tmp_path, text)
    assert path in message
    assert "不认识的字段 holiday" in message


def test_malformed_file_non_date_entry(tmp_path: Path) -> None:
    text = MADE_UP_2027.replace("2027-10-04]", "国庆节]")
    path, message = malformed_message(tmp_path, text)
    assert path in message
    assert "2027 年" in message
    assert "'国庆节' 不是有效日期" in message


def test_malformed_file_quoted_date_entry(tmp_path: Path) -> None:
    text = MADE_UP_2027.replace("2027-10-04]", "'2027-10-04']")
    path, message = malformed_message(tmp_path, text)
    assert path in message
    assert "'2027-10-04' 不是有效日期" in message


def test_malformed_file_impossible_date(tmp_path: Path) -> None:
    text = MADE_UP_2027.replace("2027-10-04]", "2027-02-30]")
    path, message = malformed_message(tmp_path, text)
    assert path in message
    assert "2027-02-30" in message


def test_malformed_file_datetime_entry(tmp_path: Path) -> None:
    text = MADE_UP_2027.replace("2027-10-04]", "2027-10-04 09:00:00]")
    path, message = malformed_message(tmp_path, text)
    assert path in message
    assert "2027-10-04 09:00:00 带有时间" in message


def test_malformed_file_holidays_not_a_list(tmp_path: Path) -> None:
    text = MADE_UP_2027.replace("holidays: [2027-01-01, 2027-10-01, 2027-10-04]", "holidays: 3")
    path, message = malformed_message(tmp_path, text)
    assert path in message
    assert "holidays 应为日期列表" in message


def test_malformed_file_date_not_in_its_year(tmp_path: Path) -> None:
    text = MADE_UP_2027.replace("2027-10-04]", "2026-10-04]")
    path, message = malformed_message(tmp_path, text)
    assert path in message
    assert "2027 年" in message
    assert "2026-10-04 不在 2027 年内" in message


def test_malformed_file_date_both_holiday_and_workday(tmp_path: Path) -> None:
    text = MADE_UP_2027.replace("workdays: [2027-09-26]", "workdays: [2027-09-26, 2027-10-01]")
    path, message = malformed_message(tmp_path, text)
    assert path in message
    assert "2027-10-01 同时列在 holidays 和 workdays 中" in message


def test_malformed_file_workday_not_a_weekend(tmp_path: Path) -> None:
    text = MADE_UP_2027.replace("workdays: [2027-09-26]", "workdays: [2027-09-27]")
    path, message = malformed_message(tmp_path, text)
    assert path in message
    assert "2027 年" in message
    assert "2027-09-27 不是周六或周日" in message


def test_malformed_file_empty_source(tmp_path: Path) -> None:
    text = MADE_UP_2027.replace("source: 测试用虚构安排（并非国务院办公厅通知）", "source: ''")
    path, message = malformed_message(tmp_path, text)
    assert path in message
    assert "source" in message
