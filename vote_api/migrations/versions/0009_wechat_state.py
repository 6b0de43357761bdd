"""WeChat voters: the started authorisations, each state stored as a digest and used once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``wechat_state``."""
    op.create_table(
        "wechat_state",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("ballot_id", sa.String(40), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    """Drop ``wechat_state``."""
    op.drop_table("wechat_state")
