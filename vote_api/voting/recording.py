"""Recording a round of prepared votes: one call on PostgreSQL, the same steps as statements on SQLite.

For each vote, in order: use up its captcha, judge it (``verdict``; a ticket checked before
the transaction has nothing to use up), and unless the captcha or the service refused it, insert the vote and count it toward its network's daily cap in a
savepoint that a repeated voter or a reached cap rolls back. A round returns one outcome per
vote (``ACCEPTED``, ``ALREADY_VOTED``, a captcha code...) and is durable once it returns.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Protocol

import psycopg
from sqlalchemy.engine import URL
from sqlmodel import Session

from vote_api.core import rawsql
from vote_api.core.captcha.service import use_in_transaction
from vote_api.core.db import Database
from vote_api.voting.casting import ACCEPTED, ALREADY_VOTED, CONSUMED, DAILY_CAP, Paper

_INSERT_VOTE = rawsql.RawSQL(
    "INSERT INTO vote (ballot_id, voter_key, period_key, choices, receipt_digest, created_at,"
    " address_key, network_key, agent_key, device_key, phone_segment, phone_block)"
    " VALUES (:ballot_id, :voter_key, :period_key, :choices, :receipt_digest, :created_at,"
    " :address_key, :network_key, :agent_key, :device_key, :phone_segment, :phone_block)"
)
#: One more vote for the ballot, network and Beijing day; returns the day's count so far.
_COUNT_NETWORK_DAY = rawsql.RawSQL(
    "INSERT INTO vote_network_day (ballot_id, network_key, day, votes)"
    " VALUES (:ballot_id, :network_key, :day, 1)"
    " ON CONFLICT (ballot_id, network_key, day) DO UPDATE SET votes = vote_network_day.votes + 1"
    " RETURNING votes"
)
#: How the recorder's connections name themselves in ``pg_stat_activity``.
APPLICATION_NAME = "szmqa-votes"
#: The whole round in one statement (migration 0006), sent in autocommit: one round trip.
_CAST_VOTES = "SELECT szmqa_cast_votes(%s::jsonb)"


class Recorder(Protocol):
    """Records a round of votes durably; returns one outcome per vote, in order."""

    async def record(self, papers: list[Paper]) -> list[str]:
        """Record the papers in one transaction, or raise having written nothing."""
        ...

    async def close(self) -> None:
        """Release what the recorder holds (connections)."""
        ...


class _CapReached(Exception):
    """Leaves the vote's savepoint (rolling the row back) when the daily cap is reached."""


def record_paper(session: Session, paper: Paper) -> str:
    """Use up the paper's captcha and, if nothing refuses it, insert and count the vote."""
    row = paper.row
    outcome = use_in_transaction(
        session, row["captcha_id"], row["answer_hash"], row["scope"], paper.at
    )
    if outcome is not None:
        return outcome
    if row["consume_only"]:
        return CONSUMED
    try:
        with rawsql.savepoint(session, "szmqa_vote"):
            rawsql.execute(
                session, _INSERT_VOTE, {**row, "created_at": rawsql.moment(session, paper.at)}
            )
            # Counted only for a vote that would be stored; refusing rolls both rows back.
            counted = rawsql.execute(session, _COUNT_NETWORK_DAY, row).fetchone()[0]
            if counted > row["daily_cap"]:
                raise _CapReached
    except rawsql.integrity_error(session):
        return ALREADY_VOTED
    except _CapReached:
        return DAILY_CAP
    return ACCEPTED


class StatementRecorder:
    """Each vote as statements, the round in one transaction on the database's thread (SQLite)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def _record(self, papers: list[Paper]) -> list[str]:
        with self._db.session() as session:
            outcomes = [record_paper(session, paper) for paper in papers]
            session.commit()
        return outcomes

    async def record(self, papers: list[Paper]) -> list[str]:
        """Record the papers in one transaction, committed once."""
        return await self._db.call(functools.partial(self._record, papers))

    async def close(self) -> None:
        """Nothing to release: the database owns its thread and connection."""


class FunctionRecorder:
    """The round as one call of ``szmqa_cast_votes``, in autocommit, on an asyncio connection.

    No thread and no pool checkout per round: the writer runs a few rounds at once, and each
    takes an idle connection of this recorder (or opens one). A connection that fails or is
    cancelled mid-round is closed, not reused; the writer then runs the round's votes again.
    An idle connection the server dropped (a restart) is replaced by a fresh one at once.
    """

    def __init__(self, url: URL) -> None:
        libpq = url.set(drivername="postgresql").update_query_dict(
            {"application_name": APPLICATION_NAME}
        )
        self._conninfo = libpq.render_as_string(hide_password=False)
        self._idle: list[psycopg.AsyncConnection[Any]] = []

    async def record(self, papers: list[Paper]) -> list[str]:
        """Record the papers in one statement: its own transaction, one round trip."""
        payload = json.dumps([paper.row for paper in papers], ensure_ascii=False)
        while True:
            reused = bool(self._idle)
            connection = self._idle.pop() if reused else await self._connect()
            try:
                cursor = await connection.execute(_CAST_VOTES, (payload,))
                row = await cursor.fetchone()
            except psycopg.OperationalError:
                await connection.close()
                if reused and connection.broken:
                    continue  # dropped by the server while idle (a restart): take the next one
                raise
            except BaseException:
                await connection.close()
                raise
            self._idle.append(connection)
            assert row is not None
            return [str(outcome) for outcome in row[0]]

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        return await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)

    async def close(self) -> None:
        """Close the idle connections."""
        while self._idle:
            await self._idle.pop().close()


def recorder_for(db: Database) -> Recorder:
    """The database's recorder: one call per round on PostgreSQL, statements on SQLite."""
    if db.is_sqlite:
        return StatementRecorder(db)
    return FunctionRecorder(db.engine.url)
