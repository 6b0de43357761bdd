"""Benchmark the ballot log on a 100,000-vote ballot: what it costs and how big its proofs are.

In one run, on SQLite (WAL, synchronous=FULL, as ./run.sh) and, with ``--postgres URL``, on
PostgreSQL (each in a database or schema of its own):

- the vote rate with the log against without it: the same rounds of 64 prepared votes go
  through the service's own recorder into two databases built by the migrations, one of
  them with the log's trigger dropped; rounds alternate between the two in blocks, so load
  on the machine falls on both alike; the ratio is compared with the 90 % target;
- on the logged database: reading the tree (every leaf) as a fresh worker does, signing a
  checkpoint, an inclusion proof and a consistency proof (mean over 1,000 random ones),
  verifying each, and their sizes (hashes, bytes of the JSON answer);
- whole vote requests (``--http-votes``, default 4,000; 0 skips): two apps on SQLite, one
  without the log, driven in-process over ASGI by 32 concurrent clients (captchas issued
  beforehand and not timed), in alternating blocks of 500.

Run: ``.venv/bin/python bench/bench_merkle.py [--votes 100000] [--postgres postgresql+psycopg://…]
[--http-votes 4000]``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import importlib.util
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, text

from award.moments import SHANGHAI
from vote_api.core.checkpoint import verify_checkpoint
from vote_api.core.db import Database
from vote_api.core.merkle import leaf_hash, verify_consistency, verify_inclusion
from vote_api.schema import upgrade
from vote_api.voting.ballot_log.leaves import read_leaves
from vote_api.voting.ballot_log.service import BallotLog
from vote_api.voting.casting import ACCEPTED, Paper
from vote_api.voting.recording import recorder_for

ROOT = Path(__file__).resolve().parent.parent
BALLOT = "bench-ballot"
ROUND = 64
BLOCK = 20  # rounds per database before switching to the other
START = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


def paper(n: int) -> Paper:
    """A prepared vote of voter ``n`` (its human check passed before the transaction)."""
    at = START + timedelta(milliseconds=40 * n)
    row = {
        "captcha_id": None,
        "answer_hash": None,
        "scope": f"vote:{BALLOT}",
        "consume_only": False,
        "at": at.isoformat(),
        "ballot_id": BALLOT,
        "voter_key": f"voter-{n:08d}",
        "period_key": "window",
        "choices": ",".join(sorted(random.sample(["C01", "C02", "C03", "C04", "C05"], 2))),
        "receipt_digest": os.urandom(32).hex(),
        "address_key": f"a{n % 5000}",
        "network_key": f"n{n % 5000}",
        "agent_key": "g",
        "device_key": None,
        "phone_segment": None,
        "phone_block": None,
        "day": at.date().isoformat(),
        "daily_cap": 10**9,
    }
    return Paper(entry=None, row=row, receipt="", at=at, refusal=None)  # type: ignore[arg-type]


@contextmanager
def databases(postgres: str | None, folder: Path) -> Iterator[tuple[str, str]]:
    """Two migrated databases (with and without the log's trigger) of one kind."""
    if postgres is None:
        urls = [f"sqlite:///{folder / name}.db" for name in ("logged", "plain")]
        for url in urls:
            upgrade(create_engine(url))
        yield urls[0], urls[1]
        return
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    schemas = [f"bench_merkle_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    separator = "&" if "?" in postgres else "?"
    urls = [f"{postgres}{separator}options=-csearch_path%3D{s}" for s in schemas]
    try:
        with admin.connect() as connection:
            for schema in schemas:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        for url in urls:
            upgrade(create_engine(url))
        yield urls[0], urls[1]
    finally:
        with admin.connect() as connection:
            for schema in schemas:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def without_log(db: Database) -> None:
    """The database as it was before the log: SQLite's trigger dropped, PostgreSQL's 0007 function."""
    if db.is_sqlite:
        statement = "DROP TRIGGER ballot_log_vote"
    else:
        path = ROOT / "vote_api" / "migrations" / "versions" / "0007_checked_tickets.py"
        spec = importlib.util.spec_from_file_location("szmqa_migration_0007", path)
        assert spec is not None and spec.loader is not None
        previous = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(previous)
        statement = previous.CAST_VOTES
    with db.engine.begin() as connection:
        connection.exec_driver_sql(statement)


async def load(logged: Database, plain: Database, votes: int) -> tuple[float, float]:
    """Record ``votes`` votes into each database, alternating blocks; seconds spent in each."""
    recorders = {"logged": recorder_for(logged), "plain": recorder_for(plain)}
    spent = {"logged": 0.0, "plain": 0.0}
    rounds = [[paper(n) for n in range(i, min(i + ROUND, votes))] for i in range(0, votes, ROUND)]
    for block in range(0, len(rounds), BLOCK):
        order = ("logged", "plain") if block // BLOCK % 2 == 0 else ("plain", "logged")
        for name in order:
            for papers in rounds[block : block + BLOCK]:
                fresh = [Paper(p.entry, dict(p.row), "", p.at, None) for p in papers]
                started = time.perf_counter()
                outcomes = await recorders[name].record(fresh)
                spent[name] += time.perf_counter() - started
                assert all(o == ACCEPTED for o in outcomes), outcomes[:3]
    for recorder in recorders.values():
        await recorder.close()
    return spent["logged"], spent["plain"]


def timed(work: Any, repeat: int = 1) -> tuple[float, Any]:
    """Mean seconds of ``work()`` over ``repeat`` calls, and its last result."""
    started = time.perf_counter()
    result = None
    for _ in range(repeat):
        result = work()
    return (time.perf_counter() - started) / repeat, result


def proofs(db: Database, votes: int) -> None:
    """Tree, checkpoint and proof times and sizes on the logged database."""
    log = BallotLog("bench.example/szmqa", Ed25519PrivateKey.generate(), timedelta(minutes=10))
    with db.session() as session:
        seconds, tree = timed(lambda: log.tree(session, BALLOT))
        print(f"  tree of {tree.size:,} leaves read and hashed (a fresh worker): {seconds:.2f} s")
        now = START + timedelta(days=1)
        seconds, made = timed(lambda: log.checkpoint_if_due(session, BALLOT, now, closes=now))
        print(f"  checkpoint (root + Ed25519 signature + row): {seconds * 1000:.1f} ms")
        note = made.note
        vkey = log.vkey
        seconds, _ = timed(lambda: verify_checkpoint(note, vkey), 1000)
        print(f"  checkpoint verification: {seconds * 1e6:.0f} µs; note {len(note.encode())} bytes")
        indices = [random.randrange(votes) for _ in range(1000)]
        started = time.perf_counter()
        paths = [tree.inclusion_proof(i, tree.size) for i in indices]
        per_proof = (time.perf_counter() - started) / len(indices)
        leaves = {i: read_leaves(session, BALLOT, i, 1)[0] for i in indices[:50]}
        root = tree.root()
        started = time.perf_counter()
        for i in indices[:50]:
            verify_inclusion(
                i, tree.size, leaf_hash(leaves[i].encode()), paths[indices.index(i)], root
            )
        per_verify = (time.perf_counter() - started) / 50
        answer = {
            "leaf_index": indices[0],
            "leaf": leaves[indices[0]],
            "proof": [base64.b64encode(p).decode() for p in paths[0]],
            "checkpoint": {"note": note},
        }
        print(
            f"  inclusion proof: {per_proof * 1e6:.0f} µs to make, {per_verify * 1e6:.0f} µs to "
            f"verify; {len(paths[0])} hashes ({32 * len(paths[0])} bytes), answer "
            f"{len(json.dumps(answer, ensure_ascii=False).encode())} bytes as JSON"
        )
        pairs = sorted((random.randrange(1, votes), votes) for _ in range(1000))
        started = time.perf_counter()
        consistency = [tree.consistency_proof(a, b) for a, b in pairs]
        per_consistency = (time.perf_counter() - started) / len(pairs)
        old, new = pairs[0]
        verify_consistency(old, new, tree.root(old), tree.root(new), consistency[0])
        longest = max(len(c) for c in consistency)
        print(
            f"  consistency proof: {per_consistency * 1e6:.0f} µs to make; at most {longest} "
            f"hashes ({32 * longest} bytes)"
        )
        leaf_bytes = sum(len(d.encode()) for d in read_leaves(session, BALLOT, 0, 1000)) / 1000
        print(
            f"  leaves: {leaf_bytes:.0f} bytes each; all {votes:,} published: "
            f"{leaf_bytes * votes / 1e6:.1f} MB of JSON text"
        )


def run(kind: str, postgres: str | None, votes: int) -> None:
    """Both measurements on one kind of database."""
    print(f"\n{kind}: {votes:,} votes, rounds of {ROUND}, alternating blocks of {BLOCK} rounds")
    with tempfile.TemporaryDirectory() as folder, databases(postgres, Path(folder)) as urls:
        logged, plain = Database(urls[0]), Database(urls[1])
        without_log(plain)
        with_log, without = asyncio.run(load(logged, plain, votes))
        print(f"  with the log:    {votes / with_log:,.0f} votes/s ({with_log:.1f} s)")
        print(f"  without the log: {votes / without:,.0f} votes/s ({without:.1f} s)")
        ratio = without / with_log
        print(
            f"  rate with the log / without: {ratio:.0%} (target ≥ 90 %: {'met' if ratio >= 0.9 else 'NOT met'})"
        )
        proofs(logged, votes)
        logged.close()
        plain.close()


async def http_votes(app: Any, ballot: str, candidate: str, offset: int, count: int) -> float:
    """Seconds spent casting ``count`` votes over HTTP (32 at a time), captchas issued first."""
    import httpx

    transport = httpx.ASGITransport(app=app)
    voters = []
    for n in range(offset, offset + count):
        client = httpx.AsyncClient(transport=transport, base_url="http://bench")
        forwarded = {"X-Forwarded-For": f"10.{n // 10000}.{n // 100 % 100}.{n % 100 + 1}"}
        issued = await client.post(
            "/api/captchas", json={"purpose": "vote", "target": ballot}, headers=forwarded
        )
        voters.append((client, forwarded, issued.json()["captcha_id"]))
    queue = list(voters)

    async def worker() -> None:
        while queue:
            client, forwarded, captcha = queue.pop()
            body = {"captcha_id": captcha, "captcha_answer": "ACDEF", "candidates": [candidate]}
            answer = await client.post(f"/api/ballots/{ballot}/votes", json=body, headers=forwarded)
            assert answer.status_code == 201, answer.text

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(32)))
    spent = time.perf_counter() - started
    for client, _, _ in voters:
        await client.aclose()
    return spent


def whole_votes(count: int) -> None:
    """The vote request as a whole (in-process ASGI, SQLite): with the log against without."""
    from datetime import date

    from bench.app import known_answer
    from szmqa.demo import write_demo
    from vote_api.core.settings import Settings
    from vote_api.main import create_app
    from vote_api.voting.deps import voting_of

    print(f"\nwhole vote requests (in-process ASGI, SQLite), {count:,} per database in blocks:")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        demo = write_demo(root / "demo", date.today())
        apps = {}
        for name in ("logged", "plain"):
            url = f"sqlite:///{root / name}.db"
            upgrade(create_engine(url))
            settings = Settings(
                data_dir=root / name, demo_dir=demo, database_url=url,
                ratelimit_enabled=False, trusted_proxies="127.0.0.1",
            )  # fmt: skip
            apps[name] = create_app(settings, captcha_answers=known_answer)
        without_log(voting_of(apps["plain"]).db)
        voting = voting_of(apps["logged"])
        entry = next(e for e in voting.catalog if e.state(voting.now()).value == "open")
        candidate = next(iter(entry.candidates))
        spent = {"logged": 0.0, "plain": 0.0}
        block = 500
        for start in range(0, count, block):
            for name in ("logged", "plain") if start // block % 2 == 0 else ("plain", "logged"):
                size = min(block, count - start)
                spent[name] += asyncio.run(http_votes(apps[name], entry.id, candidate, start, size))
        for name, label in (("logged", "with the log"), ("plain", "without the log")):
            print(f"  {label}: {count / spent[name]:,.0f} votes/s")
        ratio = spent["plain"] / spent["logged"]
        print(
            f"  rate with the log / without: {ratio:.0%} (target ≥ 90 %: {'met' if ratio >= 0.9 else 'NOT met'})"
        )


def main() -> None:
    """Parse the options and run the bench."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=100_000)
    parser.add_argument("--postgres", default=None, help="postgresql+psycopg://… (optional)")
    parser.add_argument("--http-votes", type=int, default=4000, help="whole vote requests; 0: none")
    args = parser.parse_args()
    random.seed(23)
    print(f"CPU: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    run("SQLite (WAL, synchronous=FULL)", None, args.votes)
    if args.postgres:
        run("PostgreSQL", args.postgres, args.votes)
    if args.http_votes:
        whole_votes(args.http_votes)


if __name__ == "__main__":
    main()
