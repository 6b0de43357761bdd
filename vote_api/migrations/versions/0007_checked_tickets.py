"""PostgreSQL: ``szmqa_cast_votes`` accepts a vote whose human check was passed before.

A human check that needs the network (a vendor's) is verified before the vote's
transaction, so its vote carries no captcha to use up (``captcha_id`` is null): the function
then goes straight to the service's refusal or the insert. Everything else is as in 0006
(SQLite runs the same steps as statements: ``vote_api.voting.recording``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: Outcomes as in 0006; a vote without a captcha skips the four captcha outcomes.
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
    """Replace ``szmqa_cast_votes`` on PostgreSQL (nothing to do on SQLite)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CAST_VOTES)


def downgrade() -> None:
    """Put back 0006's ``szmqa_cast_votes``."""
    if op.get_bind().dialect.name == "postgresql":
        path = Path(__file__).with_name("0006_vote_function.py")
        spec = importlib.util.spec_from_file_location("szmqa_migration_0006", path)
        assert spec is not None and spec.loader is not None
        previous = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(previous)
        op.execute(previous.CAST_VOTES)
