"""The encryption keys the running services hold (fingerprints), for ``szmqa rotate-keys``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``service_keys``."""
    op.create_table(
        "service_keys",
        sa.Column("worker", sa.String(120), nullable=False),
        sa.Column("encryption_keys", sa.String(2000), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker"),
    )


def downgrade() -> None:
    """Drop ``service_keys``."""
    op.drop_table("service_keys")
