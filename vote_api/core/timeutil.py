"""Moments as stored (UTC) and as used everywhere else (aware Asia/Shanghai)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Column, DateTime
from sqlmodel import Field

from award.moments import SHANGHAI


def to_db(moment: datetime) -> datetime:
    """An aware moment in UTC, the form stored in SQLite and PostgreSQL columns."""
    return moment.astimezone(UTC)


def from_db(value: datetime) -> datetime:
    """A stored moment as aware Asia/Shanghai (a naive value is UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(SHANGHAI)


def moment_field(*, nullable: bool = False, index: bool = False) -> Any:
    """A model field stored as a time-zone-aware timestamp, whatever the SQLModel version."""
    column = Column(DateTime(timezone=True), nullable=nullable, index=index)
    if nullable:
        return Field(default=None, sa_column=column)
    return Field(sa_column=column)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start and end of a Shanghai day."""
    start = datetime.combine(day, time(0), tzinfo=SHANGHAI)
    return start, start + timedelta(days=1)
