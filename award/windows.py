"""Time windows (publicity, voting, objections): their state, working days and wording."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, model_validator

from award.calendar import calendar_for
from award.moments import SHANGHAI, is_midnight, last_day

#: A working day counts towards a window only if the window is open for all of its office hours.
OFFICE_OPENS = time(9, 0)
OFFICE_CLOSES = time(17, 0)


class WindowState(StrEnum):
    """Where a moment stands relative to a window."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


class Window(BaseModel):
    """A span of time from ``start`` (inclusive) to ``end`` (exclusive), Asia/Shanghai."""

    model_config = ConfigDict(frozen=True)

    start: datetime
    end: datetime
    #: Demo windows only: working days of a year not yet published come from the provisional
    #: calendar (weekends and fixed-date holidays), and the description says so.
    provisional: bool = False

    @model_validator(mode="after")
    def _end_after_start(self) -> Window:
        if self.end <= self.start:
            raise ValueError("结束时间必须晚于开始时间")
        return self

    def state(self, moment: datetime) -> WindowState:
        """Whether the window is upcoming, open or closed at ``moment``."""
        if moment < self.start:
            return WindowState.UPCOMING
        if moment >= self.end:
            return WindowState.CLOSED
        return WindowState.OPEN

    @property
    def first_day(self) -> date:
        """The first calendar day the window touches."""
        return self.start.astimezone(SHANGHAI).date()

    @property
    def last_day(self) -> date:
        """The last calendar day the window touches."""
        return last_day(self.end)

    def working_days(self) -> int:
        """The working days whose office hours (09:00–17:00) lie wholly inside the window."""
        calendar = calendar_for(self.provisional)
        count = 0
        day = self.first_day
        while day <= self.last_day:
            opens = datetime.combine(day, OFFICE_OPENS, tzinfo=SHANGHAI)
            closes = datetime.combine(day, OFFICE_CLOSES, tzinfo=SHANGHAI)
            if self.start <= opens and closes <= self.end and calendar.is_working_day(day):
                count += 1
            day += timedelta(days=1)
        return count

    def provisional_years(self) -> list[int]:
        """The years the window touches whose holiday schedule is not yet published (demo only)."""
        if not self.provisional:
            return []
        calendar = calendar_for(True)
        years = range(self.first_day.year, self.last_day.year + 1)
        return [year for year in years if not calendar.is_known(year)]

    def describe(self) -> str:
        """The window in words, e.g. 2026年11月20日至11月26日（5个工作日）."""
        unknown = self.provisional_years()
        if unknown:
            years = "、".join(f"{year}年" for year in unknown)
            note = f"；{years}节假日安排尚未公布，按临时日历（周末与固定日期节假日）计算"
        else:
            note = ""
        return f"{self.span_text()}（{self.working_days()}个工作日{note}）"

    def span_text(self) -> str:
        """The window's span in words, without the working-day count."""
        start = self.start.astimezone(SHANGHAI)
        end = self.end.astimezone(SHANGHAI)
        whole_days = is_midnight(start) and is_midnight(end)
        first = _date_text(start.date(), with_year=True)
        last_date = self.last_day if whole_days else end.date()
        last = _date_text(last_date, with_year=last_date.year != start.year)
        if whole_days:
            return f"{first}至{last}"
        return f"{first} {start:%H:%M} 至 {last} {end:%H:%M}"


def _date_text(day: date, *, with_year: bool) -> str:
    text = f"{day.month}月{day.day}日"
    return f"{day.year}年{text}" if with_year else text
