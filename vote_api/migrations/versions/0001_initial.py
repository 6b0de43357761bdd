"""The schema of release 0.1.0, as ``create_all`` made it before migrations existed.

Revision ID: 0001
Revises:
Create Date: 2026-11-30

A database made by release 0.1.0 has these tables and no ``alembic_version``: it is stamped
at this revision (not re-created) and upgraded from here. On PostgreSQL the timestamps of
the audit log, admin tokens and objection cases were ``timestamp without time zone`` (SQLModel
0.0.22 made plain ``datetime`` fields so); revision 0002 makes them time-zone aware.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from vote_api.core.audit import install_append_only_guard

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

AWARE = sa.DateTime(timezone=True)
NAIVE = sa.DateTime()


def upgrade() -> None:
    """Create the seven tables of release 0.1.0 and the audit log's append-only guard."""
    op.create_table(
        "admin_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", NAIVE, nullable=False),
        sa.Column("revoked_at", NAIVE, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index("ix_admin_token_token_hash", "admin_token", ["token_hash"], unique=True)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", NAIVE, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("target", sa.String(120), nullable=False),
        sa.Column("detail", sa.String(4000), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "captcha_challenge",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("scope", sa.String(120), nullable=False),
        sa.Column("answer_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", AWARE, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_captcha_challenge_expires_at", "captcha_challenge", ["expires_at"])
    op.create_table(
        "objection_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(12), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("notice_id", sa.String(90), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("entrant_id", sa.String(40), nullable=False),
        sa.Column("reasons", sa.String(300), nullable=False),
        sa.Column("reporter_kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("received_at", NAIVE, nullable=False),
        sa.Column("updated_at", NAIVE, nullable=False),
        sa.Column("closed_at", NAIVE, nullable=True),
        sa.Column("replied_at", NAIVE, nullable=True),
        sa.Column("purged_at", NAIVE, nullable=True),
        sa.Column("reporter_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("statement_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("reply_sealed", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_objection_case_case_number", "objection_case", ["case_number"], unique=True)
    for column in ("closed_at", "entrant_id", "notice_id", "received_at", "status"):
        op.create_index(f"ix_objection_case_{column}", "objection_case", [column])
    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.String(40), nullable=False),
        sa.Column("voter_key", sa.String(64), nullable=False),
        sa.Column("period_key", sa.String(10), nullable=False),
        sa.Column("choices", sa.String(900), nullable=False),
        sa.Column("receipt_digest", sa.String(64), nullable=False),
        sa.Column("created_at", AWARE, nullable=False),
        sa.Column("address_key", sa.String(64), nullable=False),
        sa.Column("invalidated_at", AWARE, nullable=True),
        sa.Column("invalidated_reason", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ballot_id", "voter_key", "period_key", name="uq_vote_once_per_period"),
        sa.UniqueConstraint("receipt_digest"),
    )
    op.create_table(
        "objection_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", NAIVE, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("replied", sa.Boolean(), nullable=False),
        sa.Column("note_sealed", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["objection_case.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_objection_event_case_id", "objection_event", ["case_id"])
    op.create_table(
        "objection_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("storage_name", sa.String(64), nullable=False),
        sa.Column("extension", sa.String(8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("purged_at", NAIVE, nullable=True),
        sa.Column("name_sealed", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["objection_case.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("storage_name"),
    )
    op.create_index("ix_objection_file_case_id", "objection_file", ["case_id"])
    install_append_only_guard(op.get_bind())


def downgrade() -> None:
    """Not supported: restore the backup taken before the upgrade instead."""
    raise NotImplementedError("downgrading below the first release is not supported")
