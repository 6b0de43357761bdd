"""Slow campaigns: per-candidate surges over sliding windows, and leaning number ranges.

A push for one candidate shows as that candidate getting more votes than the ballot's own
baseline predicts, wherever the push hides its other traits. The baseline is the candidate's
share of the whole ballot; in a window (10 minutes to 48 hours) the other
candidates' votes predict how many the candidate should have, so a push cannot raise its own
expectation. The count is tested as a Poisson count against that expectation (log-likelihood
ratio); the most surprising window of any length is taken (the length that fits the push best), its votes for the candidate set aside, and the
scan repeated until nothing is surprising. The same test runs over the votes of devices new to
the ballot (a slow campaign mints a device per vote; returning voters keep theirs), and over
the votes of one number range (ten neighbouring 7-digit blocks) and of one operator segment.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from award.moments import SHANGHAI
from vote_api.voting.clusters import Cluster, ClusterKind, ReviewedVote, make_cluster

#: The sliding windows, shortest first: a burst is caught whole before a longer window could
#: dilute it, a trickle over days only by the longest.
WINDOWS = (
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=4),
    timedelta(hours=24),
    timedelta(hours=48),
)
#: A count this surprising is flagged: a log-likelihood ratio of 20 is a Poisson tail under
#: about 1e-9, which a ballot's tens of thousands of overlapping windows do not reach by chance.
SURPRISE = 20.0
#: Ordinary shares wander more than chance alone (a candidate's day, loyal returning voters):
#: a window expecting this many votes has its surprise halved.
DISPERSION = 100.0
#: Fewer votes than this are never a cluster.
MIN_SIZE = 10
#: ... and only if the votes beyond the expectation are at least this share of the window's:
#: a long window over a popular candidate would otherwise hold mostly ordinary votes.
LEAN = 0.2
#: The least a window is expected to hold, so that an empty night is not infinitely surprising.
FLOOR = 0.5
#: Windows taken per candidate and pass at most (a bound on the work, never reached in tests).
MAX_TAKEN = 200


def surprise(observed: int, expected: float) -> float:
    """How unlikely a count of ``observed`` is when ``expected`` (0 if not above it).

    The Poisson log-likelihood ratio, scaled down for large expectations (overdispersion).
    """
    rate = max(expected, FLOOR)
    if observed <= rate:
        return 0.0
    poisson = observed * math.log(observed / rate) - (observed - rate)
    return poisson / (1 + rate / DISPERSION)


def leans(observed: int, expected: float) -> bool:
    """Whether a group's votes for a candidate are surprising and mostly beyond expectation."""
    return (
        observed >= MIN_SIZE
        and surprise(observed, expected) >= SURPRISE
        and observed - expected >= LEAN * observed
    )


def new_device_votes(votes: list[ReviewedVote]) -> list[ReviewedVote]:
    """The votes (oldest first) of devices that voted once in the ballot, or had none.

    A voter who comes back keeps their device; a campaign mints one per vote. Seen after the
    fact, a device used once is a new device that never returned.
    """
    uses = Counter(vote.device for vote in votes if vote.device is not None)
    return [vote for vote in votes if vote.device is None or uses[vote.device] == 1]


def odds_of(votes: list[ReviewedVote]) -> dict[str, float]:
    """Per candidate, its votes per vote for no one else (its baseline share as odds)."""
    counts: Counter[str] = Counter()
    for vote in votes:
        counts.update(set(vote.choices))
    total = len(votes)
    return {c: n / (total - n) for c, n in counts.items() if 0 < n < total}


def _when(vote: ReviewedVote, pattern: str) -> str:
    return vote.at.astimezone(SHANGHAI).strftime(pattern)


def _span_text(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes} 分钟" if minutes < 60 else f"{minutes // 60} 小时"


@dataclass(frozen=True)
class Window:
    """A window's votes for a candidate, how many the baseline expected, and its length."""

    members: list[ReviewedVote]
    expected: float
    span: timedelta


class Review:
    """One review of a ballot's votes: surges and leaning ranges, each vote in one at most."""

    def __init__(self, votes: list[ReviewedVote], overall: Counter[str]) -> None:
        self.votes = votes
        self.overall = overall
        self.taken: set[int] = set()
        self.clusters: list[Cluster] = []

    def run(self) -> list[Cluster]:
        """Every surge and leaning range of the ballot (the narrowest, most exact, first)."""
        overall = odds_of(self.votes)
        self._leaning(ClusterKind.BLOCK_RANGE, lambda v: v.block_range, overall)
        for kind, stream in (
            (ClusterKind.SURGE, self.votes),
            (ClusterKind.NEW_DEVICES, new_device_votes(self.votes)),
        ):
            odds = odds_of(stream)
            for candidate in sorted(odds):
                self._scan(kind, stream, candidate, odds[candidate])
        self._leaning(ClusterKind.SEGMENT, lambda v: v.segment, overall)
        return self.clusters

    def _best_window(
        self, stream: list[ReviewedVote], candidate: str, odds: float
    ) -> Window | None:
        """The most surprising window of any length for the candidate, among votes not taken.

        The others in a window are every vote of the stream for someone else, taken or not:
        setting one push aside must not make the next candidate look like a surge.
        """
        before = [0]
        for vote in stream:
            before.append(before[-1] + (candidate in vote.choices))
        picks = [
            i for i, v in enumerate(stream) if candidate in v.choices and v.id not in self.taken
        ]
        moments = [stream[i].at.timestamp() for i in picks]
        best: tuple[float, int, int, float, timedelta] | None = None
        for span in WINDOWS:
            seconds = span.total_seconds()
            for first, start in enumerate(moments):
                last = bisect_right(moments, start + seconds) - 1
                chosen = last - first + 1
                if chosen < MIN_SIZE:
                    continue
                low, high = picks[first], picks[last] + 1
                expected = ((high - low) - (before[high] - before[low])) * odds
                score = surprise(chosen, expected)
                if leans(chosen, expected) and (best is None or score > best[0]):
                    best = (score, first, last, expected, span)
        if best is None:
            return None
        _, first, last, expected, span = best
        return Window([stream[i] for i in picks[first : last + 1]], expected, span)

    def _scan(
        self, kind: ClusterKind, stream: list[ReviewedVote], candidate: str, odds: float
    ) -> None:
        taken: list[Window] = []
        while len(taken) < MAX_TAKEN:
            found = self._best_window(stream, candidate, odds)
            if found is None:
                break
            taken.append(found)
            self.taken.update(v.id for v in found.members)
        for window in _merged(taken):
            burst = kind is ClusterKind.SURGE and window.span <= WINDOWS[0]
            shown = ClusterKind.BURST if burst else kind
            first, last = window.members[0], window.members[-1]
            description = (
                f"{shown.label}：{candidate} 在 {_when(first, '%m月%d日 %H:%M')}–"
                f"{_when(last, '%m月%d日 %H:%M')} 得 {len(window.members)} 票，按本投票其余选票"
                f"的比例约应 {window.expected:.0f} 票（{_span_text(window.span)}窗口）"
            )
            cluster_id = f"{shown.value}:{candidate[:20]}:{_when(first, '%Y%m%d%H%M%S')}"
            self.clusters.append(
                make_cluster(cluster_id, shown, description, window.members, self.overall)
            )

    def _leaning(
        self, kind: ClusterKind, trait: Callable[[ReviewedVote], str | None], odds: dict[str, float]
    ) -> None:
        """Groups of a trait giving a candidate surprisingly many votes; neighbouring number
        ranges (a run of sequential blocks) join into one cluster."""
        groups: dict[str, list[ReviewedVote]] = defaultdict(list)
        for vote in self.votes:
            value = trait(vote)
            if value and vote.id not in self.taken:
                groups[value].append(vote)
        found: dict[str, list[tuple[str, list[ReviewedVote], float]]] = defaultdict(list)
        for value, members in sorted(groups.items()):
            if len(members) < MIN_SIZE:
                continue
            for candidate in sorted(odds):
                chosen = [v for v in members if candidate in v.choices]
                expected = (len(members) - len(chosen)) * odds[candidate]
                if leans(len(chosen), expected):
                    self.taken.update(v.id for v in chosen)
                    found[candidate].append((value, chosen, expected))
        joined = kind is ClusterKind.BLOCK_RANGE
        for candidate, runs in found.items():
            for run in _runs(runs) if joined else [[one] for one in runs]:
                members = sorted((v for _, chosen, _ in run for v in chosen), key=lambda v: v.at)
                expected = sum(e for _, _, e in run)
                first, last = run[0][0], run[-1][0]
                shown = f"{first[:3]}-{first[3:]}" + ("x" if joined else "")
                if last != first:
                    shown += f" 至 {last[:3]}-{last[3:]}x"
                description = (
                    f"{kind.label}：{shown} 中投 {candidate} 的 {len(members)} 票，"
                    f"按本投票其余选票的比例约应 {expected:.0f} 票"
                )
                self.clusters.append(
                    make_cluster(
                        f"{kind.value}:{candidate[:20]}:{first}-{len(run)}",
                        kind,
                        description,
                        members,
                        self.overall,
                    )
                )


def _neighbours(before: str, after: str) -> bool:
    return before.isdigit() and after.isdigit() and int(after) - int(before) <= 1


def _runs(
    found: list[tuple[str, list[ReviewedVote], float]],
) -> Iterator[list[tuple[str, list[ReviewedVote], float]]]:
    """Flagged number ranges in runs of neighbours (sequential blocks bought together)."""
    run: list[tuple[str, list[ReviewedVote], float]] = []
    for item in found:
        if run and not _neighbours(run[-1][0], item[0]):
            yield run
            run = []
        run.append(item)
    if run:
        yield run


def _merged(taken: list[Window]) -> Iterator[Window]:
    """Windows of one length joined where they follow each other within that length."""
    ordered = sorted(taken, key=lambda window: (window.span, window.members[0].at))
    run: Window | None = None
    for window in ordered:
        if (
            run is not None
            and run.span == window.span
            and window.members[0].at - run.members[-1].at <= window.span
        ):
            members = sorted([*run.members, *window.members], key=lambda v: (v.at, v.id))
            run = Window(members, run.expected + window.expected, run.span)
            continue
        if run is not None:
            yield run
        run = window
    if run is not None:
        yield run


def find_surges(votes: list[ReviewedVote], overall: Counter[str]) -> list[Cluster]:
    """Per-candidate surges (bursts, slow pushes, new devices) and leaning number ranges."""
    return Review(votes, overall).run()
