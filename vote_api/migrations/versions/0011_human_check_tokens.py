"""Vendor human checks: the keyed hashes of the tokens already used (each accepted once).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``human_check_token``: a used token's keyed hash (unique) and when to forget it."""
    op.create_table(
        "human_check_token",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_human_check_token_expires_at", "human_check_token", ["expires_at"])


def downgrade() -> None:
    """Drop ``human_check_token``."""
    op.drop_index("ix_human_check_token_expires_at", table_name="human_check_token")
    op.drop_table("human_check_token")
