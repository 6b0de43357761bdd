"""The Chinese working-day calendar (Asia/Shanghai) used for every deadline of the award.

A day is a working day if it is Monday–Friday and not a public holiday, or if it is a
weekend day that the State Council's schedule swaps into work (调休上班).

Two sources give the yearly schedules:

* the ``chinese_calendar`` package (PyPI ``chinesecalendar``), for the years it knows;
* the data file ``award/data/holidays.yml``, where the secretariat adds a new year's
  schedule as soon as the State Council publishes it.

If the data file defines a year that the package also knows, the FILE wins for that whole
year: an entry in the file is the secretariat's explicit correction. A date in a year that
neither source knows raises ``UnknownYearError`` naming the year and the file to edit; the
calendar never guesses.

Only the fictional demo year uses ``demo_calendar()``: for a year neither source knows it
falls back to a provisional schedule (weekends and the fixed-date holidays), and windows
computed with it say so in their description.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import yaml

from award.errors import AwardError, UnknownYearError
from award.text_files import read_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOLIDAYS_FILE = Path(__file__).parent / "data" / "holidays.yml"

_REPO_ROOT = Path(__file__).resolve().parent.parent
_ENTRY_KEYS = ("source", "holidays", "workdays")

#: Holidays on fixed solar dates (元旦, 劳动节, 国庆节, per the 2024 revision of the rules);
#: the lunar holidays (春节, 清明, 端午, 中秋) and the swapped days need the yearly schedule.
FIXED_DATE_HOLIDAYS: tuple[tuple[int, int], ...] = (
    (1, 1),
    (5, 1),
    (5, 2),
    (10, 1),
    (10, 2),
    (10, 3),
)
PROVISIONAL_SOURCE = "临时日历（仅周末与元旦、劳动节、国庆节等固定日期节假日）"


def now() -> datetime:
    """Return the current time, aware, in Asia/Shanghai."""
    return datetime.now(SHANGHAI)


def today() -> date:
    """Return today's date in Asia/Shanghai."""
    return now().date()


@dataclass(frozen=True)
class YearSchedule:
    """One year's holiday schedule: the days off and the weekend days worked."""

    year: int
    source: str
    holidays: frozenset[date]
    workdays: frozenset[date]


@dataclass(frozen=True)
class _YearWorkingDays:
    """The working days of one year, as sorted ordinals, computed once."""

    ordinals: tuple[int, ...]
    ordinal_set: frozenset[int]


def _display_path(path: Path) -> str:
    """Name a file the way a maintainer would type it: relative to the repo when inside it."""
    try:
        return path.resolve().relative_to(_REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


class _ScheduleLoader(yaml.SafeLoader):
    """A YAML loader that rejects duplicate keys and keeps impossible dates as text."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build a mapping, refusing a key that appears twice."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"键 {key} 重复出现", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(  # type: ignore[override]  # also the text of a bad date
        self, node: yaml.ScalarNode
    ) -> date | datetime | str:
        """Build a date, or keep the text of an impossible one (e.g. 2027-02-30) for the report."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return str(node.value)


_ScheduleLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _ScheduleLoader.construct_yaml_timestamp
)


def _iso_list(days: list[date]) -> str:
    """Write dates as YYYY-MM-DD joined by 、."""
    return "、".join(day.isoformat() for day in days)


def _parse_dates(field: str, value: object, year: int, where: str) -> frozenset[date]:
    """Validate one list of dates of a year's entry and return it as a set."""
    if not isinstance(value, list):
        raise AwardError(f"{where}：{field} 应为日期列表，如 [{year}-01-01]，实为 {value!r}")
    days: set[date] = set()
    for entry in value:
        if isinstance(entry, datetime):
            raise AwardError(f"{where}：{field} 中的条目 {entry} 带有时间，应只写日期 YYYY-MM-DD")
        if not isinstance(entry, date):
            raise AwardError(
                f"{where}：{field} 中的条目 {entry!r} 不是有效日期（应写作 YYYY-MM-DD，不加引号）"
            )
        if entry.year != year:
            raise AwardError(f"{where}：{field} 中的日期 {entry.isoformat()} 不在 {year} 年内")
        days.add(entry)
    return frozenset(days)


def _parse_year(year: object, entry: object, file_name: str) -> YearSchedule:
    """Validate one year's entry of the data file."""
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
        raise AwardError(f"节假日安排文件 {file_name}：键 {year!r} 不是年份（应写作如 2027:）")
    where = f"节假日安排文件 {file_name} 的 {year} 年"
    if not isinstance(entry, dict):
        raise AwardError(f"{where}：应为包含 source、holidays、workdays 的映射，实为 {entry!r}")
    unknown = sorted(str(key) for key in entry if key not in _ENTRY_KEYS)
    if unknown:
        raise AwardError(
            f"{where}：不认识的字段 {'、'.join(unknown)}（只允许 source、holidays、workdays）"
        )
    missing = [key for key in _ENTRY_KEYS if key not in entry]
    if missing:
        raise AwardError(f"{where}：缺少字段 {'、'.join(missing)}")
    source = entry["source"]
    if not isinstance(source, str) or not source.strip():
        raise AwardError(f"{where}：source 应为国务院办公厅通知的名称或文号，实为 {source!r}")
    holidays = _parse_dates("holidays", entry["holidays"], year, where)
    workdays = _parse_dates("workdays", entry["workdays"], year, where)
    if not holidays:
        raise AwardError(f"{where}：holidays 不能为空")
    both = sorted(holidays & workdays)
    if both:
        raise AwardError(f"{where}：日期 {_iso_list(both)} 同时列在 holidays 和 workdays 中")
    not_weekend = sorted(day for day in workdays if day.weekday() < 5)
    if not_weekend:
        raise AwardError(
            f"{where}：workdays 中的 {_iso_list(not_weekend)} 不是周六或周日"
            "（workdays 只列调休上班的周末；周一至周五本来就上班）"
        )
    return YearSchedule(year=year, source=source.strip(), holidays=holidays, workdays=workdays)


def load_schedule_file(path: Path) -> dict[int, YearSchedule]:
    """Read and validate the holiday data file; any problem raises AwardError naming the file."""
    file_name = _display_path(path)
    try:
        data = yaml.load(read_text(path), Loader=_ScheduleLoader)  # a SafeLoader subclass
    except UnicodeDecodeError as error:
        raise AwardError(f"节假日安排文件 {file_name} 须为 UTF-8 编码") from error
    except OSError as error:
        raise AwardError(f"无法读取节假日安排文件 {file_name}：{error}") from error
    except yaml.YAMLError as error:
        raise AwardError(f"节假日安排文件 {file_name} 不是有效的 YAML：{error}") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AwardError(
            f"节假日安排文件 {file_name}：顶层应为以年份为键的映射（无数据时写 {{}}），"
            f"实为 {data!r}"
        )
    schedules = {}
    for year, entry in data.items():
        schedule = _parse_year(year, entry, file_name)
        schedules[schedule.year] = schedule
    return schedules


@functools.cache
def _package_schedule(year: int) -> YearSchedule | None:
    """Return the chinese_calendar package's schedule for a year, or None if it does not know it."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return None
    return YearSchedule(
        year=year,
        source="chinesecalendar 包",
        holidays=frozenset(day for day in chinese_calendar.holidays if day.year == year),
        workdays=frozenset(day for day in chinese_calendar.workdays if day.year == year),
    )


def provisional_schedule(year: int) -> YearSchedule:
    """A stand-in schedule for a year not yet published: weekends and fixed-date holidays."""
    return YearSchedule(
        year=year,
        source=PROVISIONAL_SOURCE,
        holidays=frozenset(date(year, month, day) for month, day in FIXED_DATE_HOLIDAYS),
        workdays=frozenset(),
    )


class WorkingDayCalendar:
    """Working days per the State Council's schedules: chinese_calendar plus the data file.

    With ``provisional=True`` (the demo only) a year neither source knows gets the
    provisional schedule instead of an error.
    """

    def __init__(self, schedule_file: Path = HOLIDAYS_FILE, *, provisional: bool = False) -> None:
        self.schedule_file = schedule_file
        self.provisional = provisional
        self._file_schedules = load_schedule_file(schedule_file)
        self._years: dict[int, _YearWorkingDays] = {}

    def is_known(self, year: int) -> bool:
        """Whether the data file or the package has the year's published schedule."""
        if year in self._file_schedules:
            return True
        return 1 <= year <= 9999 and _package_schedule(year) is not None

    def schedule(self, year: int) -> YearSchedule:
        """Return the schedule that governs a year; the data file wins over the package."""
        if year in self._file_schedules:
            return self._file_schedules[year]
        from_package = _package_schedule(year) if 1 <= year <= 9999 else None
        if from_package is None and self.provisional and 1 <= year <= 9999:
            return provisional_schedule(year)
        if from_package is None:
            file_name = _display_path(self.schedule_file)
            raise UnknownYearError(
                f"{year} 年的节假日安排尚未收录：请在 {file_name} 中补充国务院办公厅公布的 "
                f"{year} 年节假日安排（或升级 chinesecalendar 包）"
            )
        return from_package

    def _working_days_of(self, year: int) -> _YearWorkingDays:
        """Return (computing once) the sorted working days of a year."""
        cached = self._years.get(year)
        if cached is not None:
            return cached
        schedule = self.schedule(year)
        day = date(year, 1, 1)
        ordinals = []
        while day.year == year:
            if (day.weekday() < 5 and day not in schedule.holidays) or day in schedule.workdays:
                ordinals.append(day.toordinal())
            day += timedelta(days=1)
        computed = _YearWorkingDays(ordinals=tuple(ordinals), ordinal_set=frozenset(ordinals))
        self._years[year] = computed
        return computed

    def is_working_day(self, day: date) -> bool:
        """Tell whether a date is a working day."""
        return day.toordinal() in self._working_days_of(day.year).ordinal_set

    def working_days(self, start: date, end: date) -> int:
        """Count the working days in [start, end], both ends included."""
        if start > end:
            raise AwardError(
                f"计算工作日的起始日期 {start.isoformat()} 晚于结束日期 {end.isoformat()}"
            )
        first, last = start.toordinal(), end.toordinal()
        count = 0
        for year in range(start.year, end.year + 1):
            ordinals = self._working_days_of(year).ordinals
            count += bisect.bisect_right(ordinals, last) - bisect.bisect_left(ordinals, first)
        return count

    def add_working_days(self, start: date, count: int) -> date:
        """Return the last day of a window of `count` working days beginning on or after start."""
        if count < 1:
            raise AwardError(f"工作日数应至少为 1，实为 {count}")
        year = start.year
        index = bisect.bisect_left(self._working_days_of(year).ordinals, start.toordinal())
        remaining = count
        while True:
            ordinals = self._working_days_of(year).ordinals
            available = len(ordinals) - index
            if remaining <= available:
                return date.fromordinal(ordinals[index + remaining - 1])
            remaining -= available
            year += 1
            index = 0

    def next_working_day(self, day: date) -> date:
        """Return the first working day on or after a date."""
        return self.add_working_days(day, 1)


@functools.cache
def default_calendar() -> WorkingDayCalendar:
    """Return the shared calendar built from the package and award/data/holidays.yml."""
    return WorkingDayCalendar()


@functools.cache
def demo_calendar() -> WorkingDayCalendar:
    """Return the demo's calendar: the default one, provisional for years not yet published."""
    return WorkingDayCalendar(provisional=True)


def calendar_for(provisional: bool) -> WorkingDayCalendar:
    """The demo's calendar if ``provisional``, else the default (strict) one."""
    return demo_calendar() if provisional else default_calendar()


def is_working_day(day: date) -> bool:
    """Tell whether a date is a working day, per the default calendar."""
    return default_calendar().is_working_day(day)


def working_days(start: date, end: date) -> int:
    """Count the working days in [start, end], per the default calendar."""
    return default_calendar().working_days(start, end)


def add_working_days(start: date, count: int) -> date:
    """Return the last day of a window of `count` working days, per the default calendar."""
    return default_calendar().add_working_days(start, count)
