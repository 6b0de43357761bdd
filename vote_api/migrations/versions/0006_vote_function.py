"""PostgreSQL: cast a round of votes in one statement (``szmqa_cast_votes``).

One call per round of votes, sent in autocommit so it is its own transaction: one round trip
in all. For each vote, in order, it uses up the captcha (right or wrong), checks it (expiry,
scope, the keyed hash of the answer computed by the service), and, for a vote the service
has not already refused, inserts the vote and counts it toward its network's daily cap, in a
subtransaction of its own that a repeated voter or a reached cap rolls back. Each vote
carries its own moment (``at``: the service's clock). It returns one outcome per vote, in
order. SQLite has no server-side functions: the service runs the same
steps as statements there (``vote_api.voting.recording``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: Outcomes: accepted, consumed (refused by the service before; captcha used up),
#: captcha_invalid, captcha_expired, captcha_scope, captcha_wrong, already_voted, daily_cap.
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
BEGIN
    FOR item IN
        SELECT value FROM jsonb_array_elements(p_votes) WITH ORDINALITY ORDER BY ordinality
    LOOP
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
        ELSIF (item->>'consume_only')::boolean THEN
            outcome := 'consumed';
        ELSE
            BEGIN
                INSERT INTO vote (ballot_id, voter_key, period_key, choices, receipt_digest,
                    created_at, address_key, network_key, agent_key, device_key,
                    phone_segment, phone_block)
                VALUES (item->>'ballot_id', item->>'voter_key', item->>'period_key',
                    item->>'choices', item->>'receipt_digest', (item->>'at')::timestamptz,
                    item->>'address_key', item->>'network_key', item->>'agent_key',
                    item->>'device_key', item->>'phone_segment', item->>'phone_block');
                INSERT INTO vote_network_day AS counter (ballot_id, network_key, day, votes)
                VALUES (item->>'ballot_id', item->>'network_key', item->>'day', 1)
                ON CONFLICT (ballot_id, network_key, day)
                    DO UPDATE SET votes = counter.votes + 1
                RETURNING votes INTO counted;
                IF counted > (item->>'daily_cap')::integer THEN
                    RAISE EXCEPTION USING ERRCODE = 'SZ001';
                END IF;
                outcome := 'accepted';
            EXCEPTION
                WHEN unique_violation THEN outcome := 'already_voted';
                WHEN SQLSTATE 'SZ001' THEN outcome := 'daily_cap';
            END;
        END IF;
        outcomes := outcomes || outcome;
    END LOOP;
    RETURN outcomes;
END
$function$
"""


def upgrade() -> None:
    """Create ``szmqa_cast_votes`` on PostgreSQL (nothing to do on SQLite)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CAST_VOTES)


def downgrade() -> None:
    """Drop ``szmqa_cast_votes``."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS szmqa_cast_votes(jsonb)")
