"""Bounds on numbers that reach the database: ids and offsets fit its 32-bit integers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

#: The largest value of the database's INTEGER id columns (PostgreSQL ``integer``).
DB_INT_MAX = 2**31 - 1

#: A row id in the path (a vote, an attachment): past the column's range it cannot exist.
RowId = Annotated[int, Path(ge=1, le=DB_INT_MAX, description="编号")]
#: How many rows a list skips.
OffsetQuery = Annotated[int, Query(ge=0, le=DB_INT_MAX, description="跳过的条数")]
