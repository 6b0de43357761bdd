"""Finding clusters of suspicious votes in a ballot, for the secretariat to review.

Two signals: bursts (minutes with far more votes than the ballot's usual minute) and
concentrations (many votes sharing an address network, a device, a user agent or a phone
number block). Each cluster carries its candidate split beside the rest of the ballot's: a
cluster that votes like everyone else is a crowd (a campus, a carrier's NAT); one that votes
for a single candidate is what an organised push looks like. Clusters rank by size weighted by
how far their split is from the ballot's. Nothing here names a person: only keyed hashes, a
number's first seven digits, and times.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from vote_api.core.timeutil import from_db
from vote_api.voting.models import Vote, split_choices

#: A group is a cluster from this many votes up, and only if it is this many times the
#: usual group of its kind (the median), so that an ordinary busy network is not flagged.
MIN_SIZE = 10
MIN_RATIO = 5.0
#: A minute is a burst at this many times the ballot's median minute (and MIN_SIZE votes).
BURST_RATIO = 5.0
SAMPLE = 10


class ClusterKind(StrEnum):
    """What the votes of a cluster share."""

    BURST = "burst"
    NETWORK = "network"
    DEVICE = "device"
    AGENT = "agent"
    NUMBER_BLOCK = "number_block"

    @property
    def label(self) -> str:
        """The kind in Chinese."""
        return {
            "burst": "短时集中投票",
            "network": "同一网络地址段",
            "device": "同一设备",
            "agent": "同一浏览器标识",
            "number_block": "同一手机号段",
        }[self.value]


#: Among clusters of equal score, the more telling signal first: many votes from one device
#: is the strongest, one user agent (shared by every copy of a browser) the weakest.
TIE_ORDER = (
    ClusterKind.DEVICE,
    ClusterKind.NUMBER_BLOCK,
    ClusterKind.NETWORK,
    ClusterKind.BURST,
    ClusterKind.AGENT,
)

#: Invalidation categories shown publicly beside an invalidated receipt digest.
CATEGORY_LABELS = {**{kind.value: kind.label for kind in ClusterKind}, "manual": "逐票审核"}


@dataclass(frozen=True)
class ReviewedVote:
    """What review reads of one vote."""

    id: int
    at: datetime
    choices: tuple[str, ...]
    network: str | None
    device: str | None
    agent: str | None
    number_block: str | None


@dataclass
class Cluster:
    """Votes sharing a trait or a burst, with their split against the ballot's."""

    id: str
    kind: ClusterKind
    description: str
    vote_ids: list[int]
    first_at: datetime
    last_at: datetime
    split: dict[str, int]
    divergence: float
    score: float = 0.0
    sample: list[int] = field(default_factory=list)

    @property
    def size(self) -> int:
        """How many votes the cluster holds."""
        return len(self.vote_ids)


def load_votes(session: Session, ballot_id: str) -> list[ReviewedVote]:
    """The ballot's counted (not invalidated) votes, oldest first."""
    rows: Sequence[Any] = session.execute(
        select(
            col(Vote.id),
            col(Vote.created_at),
            col(Vote.choices),
            col(Vote.network_key),
            col(Vote.device_key),
            col(Vote.agent_key),
            col(Vote.phone_segment),
            col(Vote.phone_block),
        )
        .where(col(Vote.ballot_id) == ballot_id, col(Vote.invalidated_at).is_(None))
        .order_by(col(Vote.created_at), col(Vote.id))
    ).all()
    return [
        ReviewedVote(
            id=vote_id,
            at=from_db(at),
            choices=tuple(split_choices(choices)),
            network=network,
            device=device,
            agent=agent,
            number_block=f"{segment}{block}" if segment and block else None,
        )
        for vote_id, at, choices, network, device, agent, segment, block in rows
    ]


def split_of(votes: Iterable[ReviewedVote]) -> Counter[str]:
    """Choices per candidate."""
    counts: Counter[str] = Counter()
    for vote in votes:
        counts.update(vote.choices)
    return counts


def divergence(part: Counter[str], whole: Counter[str]) -> float:
    """Total variation distance between two candidate splits (0: alike, 1: disjoint)."""
    part_total, whole_total = sum(part.values()), sum(whole.values())
    if not part_total or not whole_total:
        return 0.0
    names = set(part) | set(whole)
    return sum(abs(part[n] / part_total - whole[n] / whole_total) for n in names) / 2


def _cluster(
    cluster_id: str,
    kind: ClusterKind,
    description: str,
    members: list[ReviewedVote],
    overall: Counter[str],
) -> Cluster:
    split = split_of(members)
    apart = divergence(split, overall - split)  # against the rest: a big push skews the whole
    return Cluster(
        id=cluster_id,
        kind=kind,
        description=description,
        vote_ids=[v.id for v in members],
        first_at=members[0].at,
        last_at=members[-1].at,
        split=dict(split.most_common()),
        divergence=round(apart, 4),
        score=round(len(members) * (1 + 4 * apart), 2),
        sample=[v.id for v in members[:SAMPLE]],
    )


def _concentrations(votes: list[ReviewedVote], overall: Counter[str]) -> Iterator[Cluster]:
    traits = {
        ClusterKind.NETWORK: lambda v: v.network,
        ClusterKind.DEVICE: lambda v: v.device,
        ClusterKind.AGENT: lambda v: v.agent,
        ClusterKind.NUMBER_BLOCK: lambda v: v.number_block,
    }
    for kind, trait in traits.items():
        groups: dict[str, list[ReviewedVote]] = defaultdict(list)
        for vote in votes:
            value = trait(vote)
            if value:
                groups[value].append(vote)
        if not groups:
            continue
        usual = statistics.median(len(members) for members in groups.values())
        for value, members in groups.items():
            if len(members) >= max(MIN_SIZE, MIN_RATIO * usual):
                shown = value if kind is ClusterKind.NUMBER_BLOCK else value[:8]
                description = (
                    f"{kind.label}：{shown[:3]}-{shown[3:]}"
                    if kind is ClusterKind.NUMBER_BLOCK
                    else f"{kind.label}（标识 {shown}）"
                )
                yield _cluster(f"{kind.value}:{value[:16]}", kind, description, members, overall)


def _bursts(votes: list[ReviewedVote], overall: Counter[str]) -> Iterator[Cluster]:
    minutes: dict[datetime, list[ReviewedVote]] = defaultdict(list)
    for vote in votes:
        minutes[vote.at.replace(second=0, microsecond=0)].append(vote)
    if not minutes:
        return
    usual = statistics.median(len(members) for members in minutes.values())
    threshold = max(MIN_SIZE / 2, BURST_RATIO * usual)
    run: list[datetime] = []
    for minute in sorted(minutes):
        busy = len(minutes[minute]) >= threshold
        if busy and run and minute - run[-1] <= timedelta(minutes=1):
            run.append(minute)
            continue
        if run:
            yield from _burst(run, minutes, overall)
        run = [minute] if busy else []
    if run:
        yield from _burst(run, minutes, overall)


def _burst(
    run: list[datetime], minutes: dict[datetime, list[ReviewedVote]], overall: Counter[str]
) -> Iterator[Cluster]:
    members = [vote for minute in run for vote in minutes[minute]]
    if len(members) < MIN_SIZE:
        return
    start, end = run[0], run[-1] + timedelta(minutes=1)
    description = (
        f"{ClusterKind.BURST.label}：{start:%m月%d日 %H:%M}–{end:%H:%M}，{len(members)} 票"
    )
    yield _cluster(
        f"burst:{start:%Y%m%d%H%M}-{len(run)}", ClusterKind.BURST, description, members, overall
    )


def find_clusters(votes: list[ReviewedVote]) -> list[Cluster]:
    """Every cluster of the ballot's counted votes, most suspicious first."""
    overall = split_of(votes)
    clusters = [*_concentrations(votes, overall), *_bursts(votes, overall)]
    return sorted(clusters, key=lambda c: (-c.score, -c.size, TIE_ORDER.index(c.kind), c.id))
