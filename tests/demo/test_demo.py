"""The demo award year: valid on any day, with open, closed and upcoming windows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from award.calendar import FIXED_DATE_HOLIDAYS, default_calendar, demo_calendar
from award.content import load_content
from award.errors import UnknownYearError
from award.moments import SHANGHAI
from award.problems import ContentError
from award.windows import WindowState
from szmqa.demo import write_demo
from tests.conftest import build_site
from tests.content_files import valid_year, write_content

#: Spring Festival (春节) of each year of the sweep: the lunar holiday the provisional
#: calendar cannot know.
SPRING_FESTIVALS = [
    date(2026, 2, 17),
    date(2027, 2, 6),
    date(2028, 1, 26),
    date(2029, 2, 13),
    date(2030, 2, 3),
]
NAMED_DAYS = [date(2026, 12, 22), date(2026, 12, 31), date(2027, 1, 15), *SPRING_FESTIVALS]


def sweep() -> list[date]:
    """Every 11th day from 2026-01-01 to 2030-12-31, the named days, and the last day."""
    first, last = date(2026, 1, 1), date(2030, 12, 31)
    days = [first + timedelta(days=n) for n in range(0, (last - first).days + 1, 11)]
    return sorted(set(days + NAMED_DAYS + [last]))


def test_demo_is_valid_with_windows_around_every_day_of_five_years(tmp_path: Path) -> None:
    checked = 0
    for today in sweep():
        folder = write_demo(tmp_path / today.isoformat(), today)
        content = load_content([folder], allow_demo=True)
        noon = datetime.combine(today, time(12), tzinfo=SHANGHAI)
        states = {
            ballot.id.split("-")[-1]: ballot.window.state(noon) for _, ballot in content.ballots()
        }
        assert states == {
            "culture": WindowState.OPEN,
            "social": WindowState.OPEN,
            "ecology": WindowState.CLOSED,
            "management": WindowState.UPCOMING,
            "service": WindowState.OPEN,  # the phone ballot
        }, today
        publicity = [n for n in content.notices if n.meta.objections]
        assert len(publicity) == 1 and publicity[0].window.state(noon) is WindowState.OPEN, today
        for window in [b.window for _, b in content.ballots()] + [publicity[0].window]:
            assert window.working_days() >= 5, (today, window)
            text = window.describe()
            provisional = [
                y
                for y in range(window.first_day.year, window.last_day.year + 1)
                if not default_calendar().is_known(y)
            ]
            assert ("按临时日历" in text) == bool(provisional), (today, text)
        checked += 1
    assert checked > 160


def test_demo_of_named_days_reaching_unpublished_years_says_so(tmp_path: Path) -> None:
    for today in (date(2026, 12, 31), date(2027, 1, 15), date(2027, 2, 6)):
        content = load_content([write_demo(tmp_path / today.isoformat(), today)], allow_demo=True)
        publicity = next(n for n in content.notices if n.meta.objections)
        assert "2027年节假日安排尚未公布，按临时日历" in publicity.window.describe()


def test_provisional_calendar_has_weekends_and_fixed_holidays_only() -> None:
    calendar = demo_calendar()
    assert not default_calendar().is_known(2029)
    for month, day in FIXED_DATE_HOLIDAYS:
        assert not calendar.is_working_day(date(2029, month, day))
    assert not calendar.is_working_day(date(2029, 1, 6))  # a Saturday
    assert calendar.is_working_day(date(2029, 2, 13))  # Spring Festival: not known, so worked
    with pytest.raises(UnknownYearError, match=r"2029 年的节假日安排尚未收录.*holidays\.yml"):
        default_calendar().is_working_day(date(2029, 2, 13))


def test_production_still_refuses_a_real_year_the_holiday_data_does_not_cover(
    tmp_path: Path,
) -> None:
    year = valid_year()
    year["ballots"][0] |= {"opens": "2026-12-28 09:00", "closes": "2027-01-08 17:00"}
    root = write_content(tmp_path / "docs", year)
    with pytest.raises(ContentError) as raised:
        load_content([root], allow_demo=False)
    text = str(raised.value)
    assert "2027 年的节假日安排尚未收录" in text and "award/data/holidays.yml" in text
    assert "临时日历" not in text


def test_demo_names_are_all_marked(tmp_path: Path) -> None:
    content = load_content([write_demo(tmp_path, date(2026, 11, 24))], allow_demo=True)
    year = content.years[0].data
    assert year.demo and all(e.name.endswith("（演示）") for e in year.entrants)
    assert all(n.meta.demo and n.meta.title.startswith("【演示】") for n in content.notices)


def test_demo_site_builds_on_new_years_eve_and_its_pages_name_the_provisional_calendar(
    tmp_path: Path,
) -> None:
    today = date(2026, 12, 31)
    demo = write_demo(tmp_path / "demo", today)
    site = tmp_path / "site"
    result = build_site(site, demo_dir=demo, now=f"{today.isoformat()}T10:00:00+08:00")
    assert result.returncode == 0, result.stderr
    pages = [p for p in (site / "notices").glob("*/index.html") if "publicity" in p.parent.name]
    assert len(pages) == 1
    html = pages[0].read_text(encoding="utf-8")
    assert "2027年节假日安排尚未公布，按临时日历" in html and "演示" in html
