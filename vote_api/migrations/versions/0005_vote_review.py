"""Phone voters, anomaly review and the durable daily cap.

What each vote keeps for review, votes per network and day, SMS codes and their quota.

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the review columns to ``vote``, its time index, and ``vote_network_day``."""
    with op.batch_alter_table("vote") as batch:
        batch.add_column(sa.Column("network_key", sa.String(64), nullable=True))
        batch.add_column(sa.Column("agent_key", sa.String(64), nullable=True))
        batch.add_column(sa.Column("device_key", sa.String(64), nullable=True))
        batch.add_column(sa.Column("phone_segment", sa.String(3), nullable=True))
        batch.add_column(sa.Column("phone_block", sa.String(4), nullable=True))
        batch.add_column(sa.Column("invalidated_category", sa.String(20), nullable=True))
    op.create_index("ix_vote_ballot_created", "vote", ["ballot_id", "created_at"])
    op.create_table(
        "vote_network_day",
        sa.Column("ballot_id", sa.String(40), nullable=False),
        sa.Column("network_key", sa.String(64), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ballot_id", "network_key", "day"),
    )
    op.create_table(
        "sms_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone_key", sa.String(64), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sms_code_phone_key", "sms_code", ["phone_key"])
    op.create_table(
        "sms_quota",
        sa.Column("phone_key", sa.String(64), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("phone_key", "day"),
    )


def downgrade() -> None:
    """Drop what ``upgrade`` added."""
    op.drop_table("sms_quota")
    op.drop_index("ix_sms_code_phone_key", "sms_code")
    op.drop_table("sms_code")
    op.drop_table("vote_network_day")
    op.drop_index("ix_vote_ballot_created", "vote")
    with op.batch_alter_table("vote") as batch:
        for column in (
            "invalidated_category",
            "phone_block",
            "phone_segment",
            "device_key",
            "agent_key",
            "network_key",
        ):
            batch.drop_column(column)
