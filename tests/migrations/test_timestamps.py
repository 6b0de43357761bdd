"""Every timestamp column of every table reads back the instant written, whatever TimeZone says."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Column, DateTime, insert, select
from sqlmodel import SQLModel

import vote_api.tables  # noqa: F401 (every table on the metadata)
from vote_api.core.db import make_engine
from vote_api.schema import upgrade

from .databases import INSTANT, postgres_schema


def timestamp_columns() -> list[tuple[str, str]]:
    """Every (table, column) of the models that holds a moment."""
    return [
        (table.name, column.name)
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, DateTime)
    ]


def test_timestamps_every_column_is_time_zone_aware_in_the_models() -> None:
    columns = timestamp_columns()
    assert len(columns) >= 12
    naive = [
        f"{table}.{column}"
        for table, column in columns
        if not SQLModel.metadata.tables[table].c[column].type.timezone
    ]
    assert naive == []


#: Tables the insert of a vote fills by trigger (migration 0012).
LOG_TABLES = frozenset({"ballot_log_leaf", "ballot_log_size"})


def filler(column: Column[object], moment: dt.datetime) -> object:
    """A value of the column's Python type (one row per table: 1 satisfies the foreign keys)."""
    values = {dt.datetime: moment, bool: False, int: 1, bytes: b"x", str: "x"}
    if isinstance(column.type, DateTime):
        return moment
    python_type = getattr(column.type, "impl", column.type).python_type
    return values.get(python_type, "x")


@pytest.mark.services
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_timestamps_read_back_the_instant_written_on_postgres(postgres_url: str, zone: str) -> None:
    with postgres_schema(postgres_url) as url:
        engine = make_engine(f"{url}%20-cTimeZone%3D{zone.replace('/', '%2F')}")
        upgrade(engine)
        written = INSTANT.astimezone(dt.timezone(dt.timedelta(hours=8)))
        with engine.begin() as connection:
            assert connection.exec_driver_sql("SHOW TimeZone").scalar() == zone
            for table in SQLModel.metadata.sorted_tables:
                if table.name in LOG_TABLES:
                    continue  # written by the vote's trigger; no timestamp of their own
                row = {column.name: filler(column, written) for column in table.columns}
                connection.execute(insert(table).values(**row))
        checked = 0
        with engine.connect() as connection:
            for table, column in timestamp_columns():
                value = connection.execute(
                    select(SQLModel.metadata.tables[table].c[column])
                ).scalar_one()
                assert value == INSTANT, f"{table}.{column} read back {value} under {zone}"
                checked += 1
        assert checked == len(timestamp_columns())
        engine.dispose()
