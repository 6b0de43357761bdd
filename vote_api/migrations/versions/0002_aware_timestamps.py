"""Every timestamp time-zone aware.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

On PostgreSQL, ten columns could be ``timestamp without time zone`` (release 0.1.0 under
SQLModel 0.0.22). Their values were written as UTC instants by a server whose ``TimeZone``
was UTC (the default of Debian's PostgreSQL is the machine's zone: check it before upgrading
a database whose server did not run in UTC); they become ``timestamptz`` read as UTC. A
column that is already aware is left alone. SQLite stores both kinds alike: nothing to do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = {
    "admin_token": ("created_at", "revoked_at"),
    "audit_log": ("at",),
    "objection_case": ("received_at", "updated_at", "closed_at", "replied_at", "purged_at"),
    "objection_file": ("purged_at",),
    "objection_event": ("at",),
}


def upgrade() -> None:
    """Turn the naive timestamp columns into ``timestamptz`` on PostgreSQL, read as UTC."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    inspector = sa.inspect(bind)
    for table, columns in COLUMNS.items():
        types = {column["name"]: column["type"] for column in inspector.get_columns(table)}
        for column in columns:
            if getattr(types[column], "timezone", False):
                continue
            # The audit log refuses UPDATE row by row; a column type change is not an UPDATE.
            op.execute(
                f'ALTER TABLE {table} ALTER COLUMN "{column}" '
                f"TYPE timestamptz USING \"{column}\" AT TIME ZONE 'UTC'"
            )


def downgrade() -> None:
    """Not supported: an aware column is never made naive again."""
    raise NotImplementedError("timestamps stay time-zone aware")
