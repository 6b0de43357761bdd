"""The ballot log: leaves, sizes and signed checkpoints; every vote appended by a trigger.

``ballot_log_leaf`` holds each ballot's leaves (canonical JSON: sorted keys, no spaces),
``ballot_log_size`` the counter that numbers them, ``ballot_checkpoint`` the signed tree heads.
An AFTER INSERT trigger on ``vote`` appends the vote's leaf in the vote's own transaction
(and savepoint: a vote rolled back for a repeated voter or a reached cap takes its leaf and
its index with it), on SQLite and PostgreSQL alike, so ``szmqa_cast_votes`` is unchanged.
Leaves and checkpoints refuse UPDATE and DELETE.

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

_GUARDED = ("ballot_log_leaf", "ballot_checkpoint")

#: A vote's leaf, built from the inserted row: ballot, choices, index, kind, receipt, minute.
_SQLITE_TRIGGER = """
CREATE TRIGGER ballot_log_vote AFTER INSERT ON vote
BEGIN
    INSERT INTO ballot_log_size (ballot_id, size) VALUES (NEW.ballot_id, 1)
        ON CONFLICT (ballot_id) DO UPDATE SET size = size + 1;
    INSERT INTO ballot_log_leaf (ballot_id, leaf_index, kind, vote_id, data)
    SELECT NEW.ballot_id, size - 1, 'vote', NEW.id,
        '{"ballot":' || json_quote(NEW.ballot_id)
        || ',"choices":' || CASE WHEN NEW.choices = '' THEN '[]'
            ELSE '["' || replace(NEW.choices, ',', '","') || '"]' END
        || ',"index":' || (size - 1)
        || ',"kind":"vote","receipt":' || json_quote(NEW.receipt_digest)
        || ',"time":"' || strftime('%Y-%m-%dT%H:%M', NEW.created_at, '+8 hours') || '+08:00"}'
    FROM ballot_log_size WHERE ballot_id = NEW.ballot_id;
END
"""
_POSTGRES_TRIGGER = [
    r"""
CREATE OR REPLACE FUNCTION szmqa_log_vote() RETURNS trigger LANGUAGE plpgsql AS $function$
DECLARE
    counted integer;
BEGIN
    INSERT INTO ballot_log_size AS counter (ballot_id, size) VALUES (NEW.ballot_id, 1)
        ON CONFLICT (ballot_id) DO UPDATE SET size = counter.size + 1
        RETURNING counter.size INTO counted;
    INSERT INTO ballot_log_leaf (ballot_id, leaf_index, kind, vote_id, data)
    VALUES (NEW.ballot_id, counted - 1, 'vote', NEW.id,
        '{"ballot":' || to_json(NEW.ballot_id)::text
        || ',"choices":' || CASE WHEN NEW.choices = '' THEN '[]'
            ELSE array_to_json(string_to_array(NEW.choices, ','))::text END
        || ',"index":' || (counted - 1)
        || ',"kind":"vote","receipt":' || to_json(NEW.receipt_digest)::text
        || ',"time":"' || to_char(NEW.created_at AT TIME ZONE 'Asia/Shanghai',
            'YYYY-MM-DD"T"HH24:MI') || '+08:00"}');
    RETURN NULL;
END
$function$
""",
    """CREATE TRIGGER ballot_log_vote AFTER INSERT ON vote
       FOR EACH ROW EXECUTE FUNCTION szmqa_log_vote()""",
    """CREATE OR REPLACE FUNCTION szmqa_log_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the ballot log is append-only'; END; $$ LANGUAGE plpgsql""",
    *(
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION szmqa_log_append_only()"""
        for table in _GUARDED
    ),
]
_SQLITE_GUARDS = [
    f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
        BEGIN SELECT RAISE(ABORT, 'the ballot log is append-only'); END"""
    for table in _GUARDED
    for verb in ("UPDATE", "DELETE")
]


def upgrade() -> None:
    """Create the log's tables, the vote trigger and the append-only guards."""
    op.create_table(
        "ballot_log_leaf",
        sa.Column("ballot_id", sa.String(40), nullable=False),
        sa.Column("leaf_index", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("ballot_id", "leaf_index"),
        sa.UniqueConstraint("vote_id"),
    )
    op.create_table(
        "ballot_log_size",
        sa.Column("ballot_id", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ballot_id"),
    )
    op.create_table(
        "ballot_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("root_hash", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ballot_id", "size", name="uq_checkpoint_size"),
    )
    op.create_index("ix_ballot_checkpoint_ballot_id", "ballot_checkpoint", ["ballot_id"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in _POSTGRES_TRIGGER:
            op.execute(statement)
    else:
        for statement in [_SQLITE_TRIGGER, *_SQLITE_GUARDS]:
            op.execute(statement)


def downgrade() -> None:
    """Drop the trigger and the log's tables."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ballot_log_vote ON vote")
        op.execute("DROP FUNCTION IF EXISTS szmqa_log_vote()")
    else:
        op.execute("DROP TRIGGER IF EXISTS ballot_log_vote")
    op.drop_index("ix_ballot_checkpoint_ballot_id", "ballot_checkpoint")
    for table in ("ballot_checkpoint", "ballot_log_size", "ballot_log_leaf"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS szmqa_log_append_only()")
