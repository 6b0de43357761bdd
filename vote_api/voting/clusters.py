"""What review works with: a reviewed vote, a cluster of votes, what a cluster shares.

Nothing here names a person: only keyed hashes, a number's first seven digits, and times.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

SAMPLE = 10


class ClusterKind(StrEnum):
    """What the votes of a cluster share (the value is also the invalidation category)."""

    BURST = "burst"
    SURGE = "surge"
    NEW_DEVICES = "new_devices"
    NETWORK = "network"
    DEVICE = "device"
    AGENT = "agent"
    NUMBER_BLOCK = "number_block"
    BLOCK_RANGE = "block_range"
    SEGMENT = "segment"

    @property
    def label(self) -> str:
        """The kind in Chinese."""
        return {
            "burst": "短时集中投票",
            "surge": "某一对象票数持续偏高",
            "new_devices": "一次性设备集中投某一对象",
            "network": "同一网络地址段",
            "device": "同一设备",
            "agent": "同一浏览器标识",
            "number_block": "同一手机号段",
            "block_range": "相邻手机号段",
            "segment": "同一运营商号段",
        }[self.value]


#: Among clusters of equal score, the more telling signal first: many votes from one device
#: is the strongest, one user agent (shared by every copy of a browser) the weakest.
TIE_ORDER = (
    ClusterKind.DEVICE,
    ClusterKind.NUMBER_BLOCK,
    ClusterKind.BLOCK_RANGE,
    ClusterKind.NETWORK,
    ClusterKind.BURST,
    ClusterKind.SURGE,
    ClusterKind.NEW_DEVICES,
    ClusterKind.SEGMENT,
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

    @property
    def segment(self) -> str | None:
        """The number's operator segment (its first three digits), if a phone vote."""
        return self.number_block[:3] if self.number_block else None

    @property
    def block_range(self) -> str | None:
        """Ten neighbouring number blocks (the first six digits), if a phone vote."""
        return self.number_block[:6] if self.number_block and len(self.number_block) >= 6 else None


@dataclass
class Cluster:
    """Votes sharing a trait or a time, with their split against the ballot's."""

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


def make_cluster(
    cluster_id: str,
    kind: ClusterKind,
    description: str,
    members: list[ReviewedVote],
    overall: Counter[str],
) -> Cluster:
    """A cluster of ``members`` (oldest first), scored by size and how far its split leans."""
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
