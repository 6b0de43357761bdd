"""Dates and times as the secretariat writes them, read as Asia/Shanghai moments."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from award.calendar import SHANGHAI

__all__ = ["SHANGHAI", "is_midnight", "last_day", "to_moment"]


def to_moment(value: date | datetime | str, *, end_of_day: bool = False) -> datetime:
    """Read a date or date-time as an aware Asia/Shanghai datetime.

    A bare date means the start of that day, or with ``end_of_day`` the start of the next
    day (the exclusive end of a window whose last day is that date). A naive date-time is
    Asia/Shanghai time; an aware one is converted.
    """
    if isinstance(value, str):
        text = value.strip()
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError as error:
            raise ValueError(
                f"无法识别的日期时间“{value}”，应写作 2026-11-20 或 2026-11-20 09:00"
            ) from error
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=SHANGHAI)
        return value.astimezone(SHANGHAI)
    moment = datetime.combine(value, time(0), tzinfo=SHANGHAI)
    return moment + timedelta(days=1) if end_of_day else moment


def last_day(end: datetime) -> date:
    """The last calendar day a window with this exclusive end covers."""
    local = end.astimezone(SHANGHAI)
    if local.timetz().replace(tzinfo=None) == time(0):
        return local.date() - timedelta(days=1)
    return local.date()


def is_midnight(moment: datetime) -> bool:
    """Whether a moment falls exactly at 00:00 Asia/Shanghai."""
    return moment.astimezone(SHANGHAI).timetz().replace(tzinfo=None) == time(0)
