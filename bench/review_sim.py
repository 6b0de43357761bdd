"""A replayable ballot: organic votes shaped like real days, and campaigns of several shapes.

Organic traffic: voters arrive through the day (quiet at night, peaks at noon and in the
evening), the day's volume and each candidate's popularity drift from day to day; about 45 %
of a day's voters voted before (the same device, mostly the same candidate); a vote comes
from a carrier's shared address pool (a few hundred /24s, heavy-tailed) or from the voter's
home network; numbers are spread over real operator segments. Campaigns push one candidate
with fresh devices and numbers, in five shapes: a burst; the same votes spread over hours;
a few minutes over 100 networks; sequential number blocks; a trickle of a few votes an hour
for days. Everything is drawn from one seed, so a run can be replayed exactly.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from award.moments import SHANGHAI
from vote_api.voting.anomalies import ReviewedVote, find_clusters

CANDIDATES = [f"C{n}" for n in range(1, 9)]
POPULARITY = [0.24, 0.19, 0.15, 0.12, 0.10, 0.08, 0.07, 0.05]
#: Votes per hour of the day, relative (Beijing time).
HOURLY = [
    *[0.25, 0.12, 0.06, 0.05, 0.05, 0.1, 0.3, 0.7, 1.0, 1.2, 1.2, 1.3],
    *[1.5, 1.2, 1.0, 1.0, 1.0, 1.1, 1.3, 1.6, 1.8, 1.7, 1.2, 0.6],
]
SEGMENTS = [
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]
AGENTS = [f"ua{n}" for n in range(12)]
AGENT_WEIGHTS = [30, 20, 12, 10, 8, 6, 4, 3, 3, 2, 1, 1]
CARRIER_NETWORKS = 400
OPENS = datetime(2026, 11, 23, 0, 0, tzinfo=SHANGHAI)
CAMPAIGN_IDS = 10_000_000


@dataclass
class Voter:
    """An organic voter: their device, home network, number block, favourite and browser."""

    device: str
    home: str
    block: str
    favourite: str
    agent: str


class Ballot:
    """Votes drawn from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.serial = 0
        self.carriers = [1 / (k + 1) ** 0.8 for k in range(CARRIER_NETWORKS)]

    def token(self, prefix: str) -> str:
        """A new opaque key (device, network)."""
        self.serial += 1
        return f"{prefix}{self.serial}"

    def number_block(self) -> str:
        """A random 7-digit number block on a real segment."""
        return f"{self.rng.choice(SEGMENTS)}{self.rng.randrange(10_000):04d}"

    def network(self, home: str) -> str:
        """A carrier's shared /24 (heavy-tailed) or the voter's home network."""
        if self.rng.random() < 0.55:
            return f"carrier{self.rng.choices(range(CARRIER_NETWORKS), self.carriers)[0]}"
        return home

    def moment(self, day: int) -> datetime:
        """A time on a day, shaped like a real day's traffic."""
        hour = self.rng.choices(range(24), HOURLY)[0]
        return OPENS + timedelta(days=day, hours=hour, seconds=self.rng.uniform(0, 3600))

    def organic(self, days: int, per_day: int) -> list[ReviewedVote]:
        """Organic votes over ``days`` days of about ``per_day`` votes each."""
        voters: list[Voter] = []
        votes = []
        for day in range(days):
            weights = [p * self.rng.lognormvariate(0, 0.1) for p in POPULARITY]
            today: set[int] = set()
            for _ in range(int(per_day * self.rng.lognormvariate(0, 0.15))):
                voter = None
                if voters and self.rng.random() < 0.45:
                    index = self.rng.randrange(len(voters))
                    if index not in today:
                        voter = voters[index]
                        today.add(index)
                        if self.rng.random() < 0.1:  # cookies cleared
                            voter.device = self.token("d")
                if voter is None:
                    voter = Voter(
                        device=self.token("d"),
                        home=self.token("h"),
                        block=self.number_block(),
                        favourite=self.rng.choices(CANDIDATES, weights)[0],
                        agent=self.rng.choices(AGENTS, AGENT_WEIGHTS)[0],
                    )
                    today.add(len(voters))
                    voters.append(voter)
                loyal = self.rng.random() < 0.9
                choice = voter.favourite if loyal else self.rng.choices(CANDIDATES, weights)[0]
                votes.append(
                    ReviewedVote(
                        id=len(votes) + 1,
                        at=self.moment(day),
                        choices=(choice,),
                        network=self.network(voter.home),
                        device=voter.device,
                        agent=voter.agent,
                        number_block=voter.block,
                    )
                )
        return votes

    def campaign(
        self,
        target: str,
        times: list[datetime],
        network: Callable[[int], str] | None = None,
        block: Callable[[int], str] | None = None,
    ) -> list[ReviewedVote]:
        """Votes for ``target`` at ``times``, each with a fresh device and a fresh number."""
        return [
            ReviewedVote(
                id=CAMPAIGN_IDS + n,
                at=at,
                choices=(target,),
                network=network(n) if network else self.network(self.token("h")),
                device=self.token("d"),
                agent=self.rng.choices(AGENTS, AGENT_WEIGHTS)[0],
                number_block=block(n) if block else self.number_block(),
            )
            for n, at in enumerate(sorted(times))
        ]

    def spread(self, start: datetime, count: int, over: timedelta) -> list[datetime]:
        """``count`` moments uniformly within ``over`` from ``start``."""
        seconds = over.total_seconds()
        return [start + timedelta(seconds=self.rng.uniform(0, seconds)) for _ in range(count)]


@dataclass(frozen=True)
class Shape:
    """A campaign shape: its name and how it draws its votes on a ballot of ``days`` days."""

    name: str
    draw: Callable[[Ballot, int], list[ReviewedVote]]


def _day(days: int, hour: int) -> datetime:
    return OPENS + timedelta(days=days // 2, hours=hour)


def shapes() -> list[Shape]:
    """The campaign shapes of the issue, each pushing a different candidate."""
    return [
        Shape(
            "突发：199 票 50 秒",
            lambda b, d: b.campaign("C4", b.spread(_day(d, 14), 199, timedelta(seconds=50))),
        ),
        Shape(
            "突发：50 票 15 秒",
            lambda b, d: b.campaign("C2", b.spread(_day(d, 20), 50, timedelta(seconds=15))),
        ),
        Shape(
            "同样 199 票分散于 3 小时",
            lambda b, d: b.campaign("C4", b.spread(_day(d, 13), 199, timedelta(hours=3))),
        ),
        Shape(
            "88 票 8 分钟，来自 100 个 /24",
            lambda b, d: b.campaign(
                "C6",
                b.spread(_day(d, 11), 88, timedelta(minutes=8)),
                network=lambda _n: f"proxy{b.rng.randrange(100)}",
            ),
        ),
        Shape(
            "连续号段：150 票 12 小时",
            lambda b, d: b.campaign(
                "C3",
                b.spread(_day(d, 8), 150, timedelta(hours=12)),
                block=lambda n: f"198{3400 + n:04d}",
            ),
        ),
        Shape(
            "细水长流：每小时 3 票，连续 2 天",
            lambda b, d: b.campaign("C5", b.spread(_day(d, 0), 144, timedelta(days=2))),
        ),
        Shape(
            "细水长流：每小时 2 票，共 50 票",
            lambda b, d: b.campaign("C7", b.spread(_day(d, 6), 50, timedelta(hours=25))),
        ),
    ]


@dataclass(frozen=True)
class Outcome:
    """How review did on one run: campaign votes inside clusters, organic votes in any."""

    shape: str
    campaign: int
    organic: int
    recall: float
    false_positive: float
    clusters: int


def run(shape: Shape | None, *, seed: int, days: int, per_day: int) -> Outcome:
    """Review a ballot of organic votes plus one campaign (or none) and score the clusters."""
    ballot = Ballot(seed)
    organic = ballot.organic(days, per_day)
    pushed = shape.draw(ballot, days) if shape else []
    votes = sorted(organic + pushed, key=lambda v: (v.at, v.id))
    clusters = find_clusters(votes)
    flagged = {vote_id for cluster in clusters for vote_id in cluster.vote_ids}
    caught = sum(1 for v in pushed if v.id in flagged)
    wrong = sum(1 for v in organic if v.id in flagged)
    return Outcome(
        shape=shape.name if shape else "无刷票（仅自然投票）",
        campaign=len(pushed),
        organic=len(organic),
        recall=caught / len(pushed) if pushed else 1.0,
        false_positive=wrong / len(organic),
        clusters=len(clusters),
    )


def first_caught(shape: Shape, *, seed: int, days: int, per_day: int, first: int) -> int:
    """How many of a campaign's first ``first`` votes fall inside a cluster."""
    ballot = Ballot(seed)
    organic = ballot.organic(days, per_day)
    pushed = shape.draw(ballot, days)
    flagged = {
        vote_id
        for cluster in find_clusters(sorted(organic + pushed, key=lambda v: (v.at, v.id)))
        for vote_id in cluster.vote_ids
    }
    return sum(1 for v in pushed[:first] if v.id in flagged)
