"""Anomaly review: a scripted push from one network stands out, and is set aside in one action."""

from __future__ import annotations

import json
import random
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import text

from tests.factories import CULTURE, NOW, Apps, Env, cast_vote
from vote_api.core.state import core_state
from vote_api.voting.anomalies import ClusterKind, ReviewedVote, divergence, find_clusters, split_of

BACKGROUND = 200
PUSH = 300


def background_votes(env: Env, count: int, rng: random.Random) -> None:
    """Ordinary votes over the morning: many networks and devices, candidates mixed."""
    candidates = [c["id"] for c in env.ballot(CULTURE)["candidates"]]
    start = (NOW - timedelta(hours=3)).astimezone(UTC).replace(tzinfo=None)
    with core_state(env.app).db.engine.begin() as connection:
        for n in range(count):
            connection.execute(
                text(
                    "INSERT INTO vote (ballot_id, voter_key, period_key, choices, receipt_digest,"
                    " created_at, address_key, network_key, agent_key, device_key)"
                    " VALUES (:b, :v, :p, :c, :d, :at, :a, :n, :g, :dev)"
                ),
                {
                    "b": CULTURE,
                    "v": f"bg{n}",
                    "p": NOW.date().isoformat(),
                    "c": rng.choice(candidates),
                    "d": secrets.token_hex(32),
                    "at": (start + timedelta(seconds=rng.randrange(3 * 3600))).isoformat(" "),
                    "a": secrets.token_hex(8),
                    "n": secrets.token_hex(8),
                    "g": rng.choice(["chrome", "safari", "wechat", "edge", "firefox"]),
                    "dev": secrets.token_hex(8),
                },
            )


@pytest.fixture
def open_content(demo_dir: Path, tmp_path: Path) -> Path:
    """The demo content with a daily cap high enough to let the push through."""
    import shutil

    target = tmp_path / "content"
    shutil.copytree(demo_dir, target)
    year_file = target / "awards" / "2026.yml"
    data = yaml.safe_load(year_file.read_text(encoding="utf-8"))
    for ballot in data["ballots"]:
        if ballot["id"] == CULTURE:
            ballot["daily_cap_per_address"] = 1000
    year_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def test_anomalies_a_push_of_300_votes_from_one_network_is_the_top_cluster_and_set_aside(
    make_env: Apps, open_content: Path, live_server: Any
) -> None:
    env = make_env(demo_dir=open_content, trusted_proxies="127.0.0.1", ratelimit_enabled=False)
    background_votes(env, BACKGROUND, random.Random(7))
    server = live_server(env.app)
    pushed = "CU02"
    for n in range(PUSH):  # one script, 300 fresh "visitors", one /24, five minutes
        env.clock.moment = NOW + timedelta(seconds=n)
        with httpx.Client(
            base_url=server.url, headers={"X-Forwarded-For": f"198.51.100.{n % 250 + 1}"}
        ) as client:
            cast = cast_vote(client, CULTURE, pushed)
            assert cast.status_code == 201, cast.text
    admin = {"Authorization": f"Bearer {env.admin_token()}"}
    found = env.client.get(f"/api/admin/ballots/{CULTURE}/anomalies", headers=admin).json()
    assert found["counted_votes"] == BACKGROUND + PUSH
    top = found["clusters"][0]
    assert top["kind"] in ("network", "burst") and PUSH <= top["size"] <= PUSH + 3, top
    assert top["split"] == {pushed: top["size"]} or top["split"][pushed] >= PUSH
    assert top["divergence"] > 0.3
    kinds = {c["kind"] for c in found["clusters"][:3]}
    assert "network" in kinds  # the shared /24 shows whatever the ranking

    network = next(c for c in found["clusters"] if c["kind"] == "network")
    assert network["size"] == PUSH
    before = env.client.get(f"/api/ballots/{CULTURE}/results")
    done = env.client.post(
        f"/api/admin/ballots/{CULTURE}/anomalies",
        json={
            "cluster_id": network["id"],
            "reason": "同一网段5分钟内集中投出300票，判定为组织刷票",
        },
        headers=admin,
    )
    assert done.status_code == 200, done.text
    assert len(done.json()["invalidated_vote_ids"]) == PUSH
    with core_state(env.app).db.engine.connect() as connection:
        entry = connection.execute(
            text("SELECT detail FROM audit_log WHERE action = 'cluster.invalidate'")
        ).scalar_one()
    assert sorted(json.loads(entry)["votes"]) == sorted(done.json()["invalidated_vote_ids"])
    again = env.client.get(f"/api/admin/ballots/{CULTURE}/anomalies", headers=admin).json()
    assert again["counted_votes"] == BACKGROUND
    assert all(c["kind"] != "network" or c["size"] < PUSH for c in again["clusters"])
    assert before.status_code in (200, 403)


def test_anomalies_reason_too_short_or_long_refused_before_anything_changes(env: Env) -> None:
    admin = {"Authorization": f"Bearer {env.admin_token()}"}
    for reason in ("  x ", "长" * 501):
        refused = env.client.post(
            f"/api/admin/ballots/{CULTURE}/anomalies",
            json={"cluster_id": "network:abc", "reason": reason},
            headers=admin,
        )
        assert refused.status_code == 422
    unknown = env.client.post(
        f"/api/admin/ballots/{CULTURE}/anomalies",
        json={"cluster_id": "network:abc", "reason": "刷票"},
        headers=admin,
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "cluster_not_found"


def _votes(count: int, *, start: datetime, step: int) -> list[ReviewedVote]:
    """Ordinary votes: a new network and device each, candidates in turn."""
    return [
        ReviewedVote(
            id=n,
            at=start + timedelta(seconds=step * n),
            choices=(f"C{n % 3}",),
            network=secrets.token_hex(4),
            device=secrets.token_hex(4),
            agent="chrome",
            number_block=None,
        )
        for n in range(count)
    ]


def test_anomalies_a_crowd_voting_like_everyone_is_no_cluster_a_one_sided_push_is() -> None:
    start = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    crowd = [
        ReviewedVote(
            1000 + n, start + timedelta(seconds=40 * n), (f"C{n % 3}",), "campus", None, None, None
        )
        for n in range(60)
    ]
    push = [
        ReviewedVote(
            2000 + n,
            start + timedelta(hours=1, seconds=40 * n),
            ("C1",),
            "office",
            None,
            None,
            None,
        )
        for n in range(40)
    ]
    spread = _votes(300, start=start, step=30)
    clusters = find_clusters(crowd + push + spread)
    networks = [c for c in clusters if c.kind is ClusterKind.NETWORK]
    assert [c.id for c in networks] == ["network:office"]  # the crowd votes like everyone
    assert divergence(split_of(push), split_of(crowd + push + spread)) > 0.5
    flagged = {vote_id for c in clusters for vote_id in c.vote_ids}
    assert set(range(2000, 2040)) <= flagged
    assert not flagged & set(range(1000, 1060))


def test_anomalies_88_votes_from_100_networks_in_8_minutes_are_one_burst_set_aside_over_http(
    env: Env,
) -> None:
    """The issue's slow campaign: no shared network, device or block, only its timing."""
    background_votes(env, BACKGROUND, random.Random(11))
    start = (NOW - timedelta(minutes=30)).astimezone(UTC).replace(tzinfo=None)
    rng = random.Random(12)
    with core_state(env.app).db.engine.begin() as connection:
        for n in range(88):
            connection.execute(
                text(
                    "INSERT INTO vote (ballot_id, voter_key, period_key, choices, receipt_digest,"
                    " created_at, address_key, network_key, agent_key, device_key)"
                    " VALUES (:b, :v, :p, 'CU03', :d, :at, :a, :n, 'chrome', :dev)"
                ),
                {
                    "b": CULTURE,
                    "v": f"push{n}",
                    "p": NOW.date().isoformat(),
                    "d": secrets.token_hex(32),
                    "at": (start + timedelta(seconds=rng.randrange(480))).isoformat(" "),
                    "a": secrets.token_hex(8),
                    "n": f"net{rng.randrange(100)}",
                    "dev": secrets.token_hex(8),
                },
            )
    admin = {"Authorization": f"Bearer {env.admin_token()}"}
    found = env.client.get(f"/api/admin/ballots/{CULTURE}/anomalies", headers=admin).json()
    top = found["clusters"][0]
    assert top["kind"] == "burst" and top["split"].get("CU03", 0) >= 88 * 0.8, top
    assert top["size"] <= 88 + 5  # hardly any ordinary vote swept in
    done = env.client.post(
        f"/api/admin/ballots/{CULTURE}/anomalies",
        json={"cluster_id": top["id"], "reason": "8分钟内来自上百个网段的集中投票"},
        headers=admin,
    )
    assert done.status_code == 200, done.text
    results = env.client.get(f"/api/admin/ballots/{CULTURE}/anomalies", headers=admin).json()
    assert results["counted_votes"] == BACKGROUND + 88 - top["size"]
    assert all(c["kind"] != "burst" for c in results["clusters"])
