"""Finding clusters of suspicious votes in a ballot, for the secretariat to review.

Three signals: concentrations (many votes sharing an address network, a device, a user agent
or a phone number block), per-candidate surges over sliding windows against the ballot's own
baseline, over all votes and over the votes of new devices (``vote_api.voting.surges``), and
leaning number ranges and operator segments. Each cluster carries its candidate split beside
the rest of the ballot's: a group that votes like everyone else is a crowd (a campus, a
carrier's NAT) and is not a cluster; one that votes for a single candidate is what an
organised push looks like. Clusters rank by size weighted by how far their split is from the
ballot's. Nothing here names a person: only keyed hashes, a number's first seven digits, and
times.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from vote_api.core.timeutil import from_db
from vote_api.voting.clusters import (
    CATEGORY_LABELS,
    TIE_ORDER,
    Cluster,
    ClusterKind,
    ReviewedVote,
    divergence,
    make_cluster,
    split_of,
)
from vote_api.voting.models import Vote, split_choices
from vote_api.voting.surges import find_surges, leans, odds_of

__all__ = [
    "CATEGORY_LABELS",
    "Cluster",
    "ClusterKind",
    "ReviewedVote",
    "divergence",
    "find_clusters",
    "load_votes",
    "split_of",
]

#: A group is a concentration from this many votes up, and only if it is this many times the
#: usual group of its kind (the median), so that an ordinary busy network is not flagged, and
#: only if it gives some candidate surprisingly many votes (``surges.leans``).
MIN_SIZE = 10
MIN_RATIO = 5.0


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


def _concentrations(votes: list[ReviewedVote], overall: Counter[str]) -> Iterator[Cluster]:
    traits = {
        ClusterKind.NETWORK: lambda v: v.network,
        ClusterKind.DEVICE: lambda v: v.device,
        ClusterKind.AGENT: lambda v: v.agent,
        ClusterKind.NUMBER_BLOCK: lambda v: v.number_block,
    }
    odds = odds_of(votes)
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
            if len(members) >= max(MIN_SIZE, MIN_RATIO * usual) and _leans(members, odds):
                shown = value if kind is ClusterKind.NUMBER_BLOCK else value[:8]
                description = (
                    f"{kind.label}：{shown[:3]}-{shown[3:]}"
                    if kind is ClusterKind.NUMBER_BLOCK
                    else f"{kind.label}（标识 {shown}）"
                )
                yield make_cluster(
                    f"{kind.value}:{value[:16]}", kind, description, members, overall
                )


def _leans(members: list[ReviewedVote], odds: dict[str, float]) -> bool:
    """Whether a group gives some candidate surprisingly many votes (a campus votes like all)."""
    split = split_of(members)
    return any(leans(n, (len(members) - n) * odds.get(c, 0.0)) for c, n in split.items())


def find_clusters(votes: list[ReviewedVote]) -> list[Cluster]:
    """Every cluster of the ballot's counted votes, most suspicious first."""
    overall = split_of(votes)
    clusters = [*_concentrations(votes, overall), *find_surges(votes, overall)]
    return sorted(clusters, key=lambda c: (-c.score, -c.size, TIE_ORDER.index(c.kind), c.id))
