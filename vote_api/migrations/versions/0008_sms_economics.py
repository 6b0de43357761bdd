"""SMS economics, objection floods and privacy of phone votes.

``objection_network_day`` counts evidence bytes stored per network and day; ``sms_tally`` counts SMS codes sent and verified per day, per number block and per segment
and hour (the daily ceiling, the block cap, the verified-share watch); a vote no longer
keeps its number's 4-digit region block, only a bucket of a keyed hash of the 7-digit
block: the blocks stored so far are erased (they cannot be turned into buckets without the
service's key, which migrations do not hold).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``sms_tally`` and ``objection_network_day``; erase the stored region blocks."""
    op.create_table(
        "sms_tally",
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("period", sa.String(13), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("verified", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", "period"),
    )
    op.create_table(
        "objection_network_day",
        sa.Column("network_key", sa.String(64), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("stored_bytes", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("network_key", "day"),
    )
    op.execute("UPDATE vote SET phone_block = NULL WHERE phone_block IS NOT NULL")


def downgrade() -> None:
    """Drop the two tables (erased region blocks stay erased)."""
    op.drop_table("objection_network_day")
    op.drop_table("sms_tally")
