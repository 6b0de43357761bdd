"""The ballot log: leaves, sizes and signed checkpoints; every vote appended by a trigger.

``ballot_log_leaf`` holds each ballot's leaves (canonical JSON: sorted keys, no spaces),
``ballot_log_size`` the counter that numbers them, ``ballot_checkpoint`` the signed tree heads.
Every accepted vote is appended in the vote's own transaction. On SQLite an AFTER INSERT
trigger on ``vote`` does it (inside the vote's savepoint: a vote rolled back for a repeated
voter or a reached cap takes its leaf and its index with it). On PostgreSQL
``szmqa_cast_votes`` does it once per round, after its loop: per ballot, one update of the
counter row (locked until the round commits, so indices stay gap-free and unique across
workers) and one INSERT of the round's leaves, numbered in the order the votes were
inserted; a per-row trigger there measured several times slower (bench/bench_merkle.py).
Leaves and checkpoints refuse UPDATE and DELETE.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
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
#: 0007's function, and then the round's accepted votes appended to their ballots' logs.
CAST_VOTES = r"""
CREATE OR REPLACE FUNCTION szmqa_cast_votes(p_votes jsonb)
RETURNS text[]
LANGUAGE plpgsql
AS $function$
DECLARE
    item jsonb;
    challenge record;
    counted integer;
    outcome text;
    outcomes text[] := ARRAY[]::text[];
    new_id integer;
    log_ballots text[] := ARRAY[]::text[];
    log_ids integer[] := ARRAY[]::integer[];
    log_heads text[] := ARRAY[]::text[];
    log_tails text[] := ARRAY[]::text[];
    logged record;
    first_index integer;
BEGIN
    FOR item IN
        SELECT value FROM jsonb_array_elements(p_votes) WITH ORDINALITY ORDER BY ordinality
    LOOP
        outcome := NULL;
        IF item->>'captcha_id' IS NOT NULL THEN
            DELETE FROM captcha_challenge WHERE id = item->>'captcha_id'
                RETURNING scope, answer_hash, expires_at INTO challenge;
            IF NOT FOUND THEN
                outcome := 'captcha_invalid';
            ELSIF challenge.expires_at <= (item->>'at')::timestamptz THEN
                outcome := 'captcha_expired';
            ELSIF challenge.scope <> item->>'scope' THEN
                outcome := 'captcha_scope';
            ELSIF challenge.answer_hash <> item->>'answer_hash' THEN
                outcome := 'captcha_wrong';
            END IF;
        END IF;
        IF outcome IS NULL AND (item->>'consume_only')::boolean THEN
            outcome := 'consumed';
        ELSIF outcome IS NULL THEN
            BEGIN
                INSERT INTO vote (ballot_id, voter_key, period_key, choices, receipt_digest,
                    created_at, address_key, network_key, agent_key, device_key,
                    phone_segment, phone_block)
                VALUES (item->>'ballot_id', item->>'voter_key', item->>'period_key',
                    item->>'choices', item->>'receipt_digest', (item->>'at')::timestamptz,
                    item->>'address_key', item->>'network_key', item->>'agent_key',
                    item->>'device_key', item->>'phone_segment', item->>'phone_block')
                RETURNING id INTO new_id;
                INSERT INTO vote_network_day AS counter (ballot_id, network_key, day, votes)
                VALUES (item->>'ballot_id', item->>'network_key', item->>'day', 1)
                ON CONFLICT (ballot_id, network_key, day)
                    DO UPDATE SET votes = counter.votes + 1
                RETURNING votes INTO counted;
                IF counted > (item->>'daily_cap')::integer THEN
                    RAISE EXCEPTION USING ERRCODE = 'SZ001';
                END IF;
                outcome := 'accepted';
                -- The leaf's text around its index (known once the round is over).
                log_ballots := log_ballots || (item->>'ballot_id');
                log_ids := log_ids || new_id;
                log_heads := log_heads || ('{"ballot":' || to_json(item->>'ballot_id')::text
                    || ',"choices":' || CASE WHEN item->>'choices' = '' THEN '[]'
                        ELSE array_to_json(string_to_array(item->>'choices', ','))::text END
                    || ',"index":');
                log_tails := log_tails || (',"kind":"vote","receipt":'
                    || to_json(item->>'receipt_digest')::text
                    || ',"time":"' || to_char((item->>'at')::timestamptz AT TIME ZONE 'Asia/Shanghai',
                        'YYYY-MM-DD"T"HH24:MI') || '+08:00"}');
            EXCEPTION
                WHEN unique_violation THEN outcome := 'already_voted';
                WHEN SQLSTATE 'SZ001' THEN outcome := 'daily_cap';
            END;
        END IF;
        outcomes := outcomes || outcome;
    END LOOP;
    -- The round's accepted votes join their ballots' logs: one counter update per ballot,
    -- ballots in a fixed order (no deadlock between rounds), leaves in insertion order.
    FOR logged IN
        SELECT b AS ballot_id, count(*)::integer AS votes FROM unnest(log_ballots) AS b
        GROUP BY b ORDER BY b
    LOOP
        INSERT INTO ballot_log_size AS counter (ballot_id, size)
        VALUES (logged.ballot_id, logged.votes)
        ON CONFLICT (ballot_id) DO UPDATE SET size = counter.size + logged.votes
        RETURNING counter.size - logged.votes INTO first_index;
        INSERT INTO ballot_log_leaf (ballot_id, leaf_index, kind, vote_id, data)
        SELECT logged.ballot_id, first_index + e.position - 1, 'vote', e.id,
            e.head || (first_index + e.position - 1) || e.tail
        FROM (
            SELECT u.id, u.head, u.tail, row_number() OVER (ORDER BY u.n) AS position
            FROM unnest(log_ballots, log_ids, log_heads, log_tails)
                WITH ORDINALITY AS u(ballot_id, id, head, tail, n)
            WHERE u.ballot_id = logged.ballot_id
        ) AS e;
    END LOOP;
    RETURN outcomes;
END
$function$
"""
_POSTGRES_GUARDS = [
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
        sqlite_with_rowid=False,  # the leaves are stored in their key's order: one B-tree less
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
        for statement in [CAST_VOTES, *_POSTGRES_GUARDS]:
            op.execute(statement)
    else:
        for statement in [_SQLITE_TRIGGER, *_SQLITE_GUARDS]:
            op.execute(statement)


def downgrade() -> None:
    """Drop the trigger and the log's tables."""
    if op.get_bind().dialect.name == "postgresql":
        path = Path(__file__).with_name("0007_checked_tickets.py")
        spec = importlib.util.spec_from_file_location("szmqa_migration_0007", path)
        assert spec is not None and spec.loader is not None
        previous = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(previous)
        op.execute(previous.CAST_VOTES)
    else:
        op.execute("DROP TRIGGER IF EXISTS ballot_log_vote")
    op.drop_index("ix_ballot_checkpoint_ballot_id", "ballot_checkpoint")
    for table in ("ballot_checkpoint", "ballot_log_size", "ballot_log_leaf"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS szmqa_log_append_only()")
