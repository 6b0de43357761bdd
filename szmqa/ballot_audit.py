"""Auditing a ballot from what is published: its leaves, checkpoints, key and results.

Rebuild the Merkle tree from the leaves; check every checkpoint's signature and that its root
is the rebuilt tree's at its size (so each is consistent with the one before); report two
checkpoints of one size with different roots as a split view; recount (votes minus
invalidations) and compare, receipt by receipt, with the published results. The first
problem found names the first leaf index it concerns, in Chinese.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from vote_api.core.checkpoint import Checkpoint, CheckpointError, verify_checkpoint
from vote_api.core.merkle import ProofError, Tree, leaf_hash, verify_consistency


@dataclass
class Bundle:
    """What an auditor holds of one ballot (as the service's endpoints answer)."""

    ballot_id: str
    verifier_key: str
    origin: str
    leaves: list[str]
    checkpoints: list[str]
    results: dict[str, Any]
    closes: datetime | None = None


@dataclass(frozen=True)
class Problem:
    """A mismatch: the first leaf index it concerns (None: not tied to one) and what is wrong.

    ``last`` closes a range: the bad leaf is somewhere from ``index`` to ``last``.
    """

    index: int | None
    text: str
    last: int | None = None

    def __str__(self) -> str:
        where = f"第 {self.index} 条记录：" if self.index is not None else ""
        return where + self.text


@dataclass
class Report:
    """The audit's findings: problems (first one first) and what was checked."""

    problems: list[Problem] = field(default_factory=list)
    votes: int = 0
    invalidations: int = 0
    checkpoints: int = 0
    counted: dict[str, int] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Whether nothing is wrong."""
        return not self.problems

    @property
    def first(self) -> Problem | None:
        """The problem at the lowest leaf index (or the first found, if none has one)."""
        if not self.problems:
            return None
        exact = [p for p in self.problems if p.index is not None and p.last is None]
        ranges = [
            p
            for p in self.problems
            if p.index is not None
            and p.last is not None
            and not any(p.index <= e.index <= p.last for e in exact if e.index is not None)
        ]
        indexed = exact + ranges
        return min(indexed, key=lambda p: p.index or 0) if indexed else self.problems[0]


#: Votes of one round may commit a little out of their time order; more than this is not chance.
ORDER_SLACK_MINUTES = 2


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass
class _Count:
    vote_leaf: dict[str, int] = field(default_factory=dict)  # receipt digest -> leaf index
    choices: dict[int, list[str]] = field(default_factory=dict)  # vote leaf index -> choices
    invalidated_by: dict[int, int] = field(default_factory=dict)  # vote leaf -> its invalidation
    latest: str = ""  # the latest leaf time so far


def _read_leaves(bundle: Bundle, report: Report) -> _Count:
    count = _Count()
    for position, data in enumerate(bundle.leaves):
        try:
            leaf = json.loads(data)
        except ValueError:
            report.problems.append(Problem(position, "不是有效的 JSON"))
            continue
        if not isinstance(leaf, dict) or _canonical(leaf) != data:
            report.problems.append(Problem(position, "不是规范 JSON（键排序、无空格）"))
            continue
        if leaf.get("index") != position:
            report.problems.append(
                Problem(
                    position, f"编号为 {leaf.get('index')}，应为 {position}：其前有记录缺失或插入"
                )
            )
        if leaf.get("ballot") != bundle.ballot_id:
            report.problems.append(Problem(position, f"属于另一项投票（{leaf.get('ballot')}）"))
        if leaf.get("kind") == "vote":
            _read_vote(leaf, position, bundle, count, report)
        elif leaf.get("kind") == "invalidation":
            _read_invalidation(leaf, position, count, report)
        else:
            report.problems.append(Problem(position, f"类型“{leaf.get('kind')}”不明"))
    return count


def _read_vote(
    leaf: dict[str, Any], position: int, bundle: Bundle, count: _Count, report: Report
) -> None:
    digest = str(leaf.get("receipt"))
    if digest in count.vote_leaf:
        report.problems.append(
            Problem(position, f"回执摘要与第 {count.vote_leaf[digest]} 条记录重复")
        )
        return
    if bundle.closes is not None and str(leaf.get("time", "")) > bundle.closes.strftime(
        "%Y-%m-%dT%H:%M+08:00"
    ):
        report.problems.append(Problem(position, f"投票时间 {leaf.get('time')} 晚于投票截止时间"))
    time = str(leaf.get("time", ""))
    if count.latest and _minutes(time) < _minutes(count.latest) - ORDER_SLACK_MINUTES:
        report.problems.append(
            Problem(position, f"投票时间 {time} 早于之前的记录（{count.latest}）：是后来插入的")
        )
    count.latest = max(count.latest, time)
    count.vote_leaf[digest] = position
    count.choices[position] = [str(c) for c in leaf.get("choices", [])]
    report.votes += 1


def _minutes(time: str) -> float:
    try:
        return datetime.fromisoformat(time).timestamp() / 60
    except ValueError:
        return 0.0


def _read_invalidation(leaf: dict[str, Any], position: int, count: _Count, report: Report) -> None:
    report.invalidations += 1
    count.latest = max(count.latest, str(leaf.get("time", "")))
    for target in leaf.get("invalidates", []):
        if target not in count.choices:
            report.problems.append(Problem(position, f"作废的第 {target} 条记录不是在它之前的选票"))
        elif target in count.invalidated_by:
            report.problems.append(
                Problem(
                    position, f"第 {target} 条选票已由第 {count.invalidated_by[target]} 条记录作废"
                )
            )
        else:
            count.invalidated_by[target] = position


def _check_checkpoints(bundle: Bundle, tree: Tree, report: Report) -> None:
    verified: list[Checkpoint] = []
    for note in bundle.checkpoints:
        try:
            verified.append(verify_checkpoint(note, bundle.verifier_key, bundle.origin))
        except CheckpointError as error:
            report.problems.append(Problem(None, f"检查点无效：{error}"))
    by_size: dict[int, Checkpoint] = {}
    for checkpoint in sorted(verified, key=lambda c: c.size):
        seen = by_size.get(checkpoint.size)
        if seen is not None and seen.root != checkpoint.root:
            report.problems.append(
                Problem(
                    None,
                    f"分叉视图：两个都有有效签名的检查点记录数同为 {checkpoint.size}，根哈希却不同"
                    f"（{seen.root.hex()[:16]}… 与 {checkpoint.root.hex()[:16]}…）：日志向不同的人展示了不同的内容",
                )
            )
        by_size.setdefault(checkpoint.size, checkpoint)
    report.checkpoints = len(by_size)
    previous: Checkpoint | None = None
    matched = True
    for size, checkpoint in sorted(by_size.items()):
        if size > tree.size:
            report.problems.append(
                Problem(
                    tree.size,
                    f"检查点已签署 {size} 条记录，公布的只有 {tree.size} 条：其后的记录被删除",
                )
            )
            matched = False
            break
        if tree.root(size) != checkpoint.root:
            start = previous.size if previous else 0
            report.problems.append(
                Problem(
                    start,
                    f"从第 {start} 条到第 {size - 1} 条记录之间，至少有一条在记录数为 {size} 的检查点"
                    "签署之后被删除、改动或插入（重建的根哈希与检查点不符）",
                    last=size - 1,
                )
            )
            matched = False
            break
        if previous is not None:
            try:
                proof = tree.consistency_proof(previous.size, size)
                verify_consistency(previous.size, size, previous.root, checkpoint.root, proof)
            except ProofError:
                report.problems.append(Problem(previous.size, "前后两个检查点不一致"))
        previous = checkpoint
    final = bundle.results.get("final") and matched
    if final and previous is not None and previous.size < tree.size:
        report.problems.append(
            Problem(
                previous.size,
                f"投票截止后的最终检查点只涵盖 {previous.size} 条记录，其后的记录是后来加入的",
            )
        )
    if final and previous is None and tree.size:
        report.problems.append(Problem(0, "投票已截止，却没有任何有效的检查点"))


def _check_results(bundle: Bundle, count: _Count, report: Report) -> None:
    published_counted: dict[str, str] = {}  # digest -> candidate (first one listed)
    published_choices: dict[str, set[str]] = {}
    for candidate in bundle.results.get("candidates", []):
        for digest in candidate.get("receipt_digests", []):
            published_choices.setdefault(digest, set()).add(candidate["id"])
            published_counted.setdefault(digest, candidate["id"])
    published_invalid = {item["receipt_digest"] for item in bundle.results.get("invalidated", [])}
    published_invalid |= set(bundle.results.get("invalidated_receipt_digests", []))
    tally: dict[str, int] = {}
    for digest, index in count.vote_leaf.items():
        choices = set(count.choices[index])
        if index in count.invalidated_by:
            if digest in published_choices:
                report.problems.append(
                    Problem(
                        index,
                        f"这张选票已由第 {count.invalidated_by[index]} 条记录作废，结果却计入了它",
                    )
                )
            elif digest not in published_invalid:
                report.problems.append(Problem(index, "这张被作废的选票不在结果的作废名单中"))
            continue
        for candidate in choices:
            tally[candidate] = tally.get(candidate, 0) + 1
        if digest in published_invalid:
            report.problems.append(
                Problem(index, "结果把这张选票列为作废，日志中却没有作废它的记录")
            )
        elif digest not in published_choices:
            report.problems.append(Problem(index, "这张选票在日志中计入，结果中却没有它（被删除）"))
        elif published_choices[digest] != choices:
            report.problems.append(
                Problem(
                    index,
                    f"日志中选的是 {'、'.join(sorted(choices))}，结果中计入的是 "
                    f"{'、'.join(sorted(published_choices[digest]))}（被改动）",
                )
            )
    for digest in sorted((set(published_choices) | published_invalid) - set(count.vote_leaf)):
        report.problems.append(
            Problem(None, f"结果中的回执摘要 {digest[:16]}… 不在日志中（日志之外加入的选票）")
        )
    for candidate in bundle.results.get("candidates", []):
        if candidate.get("count") != tally.get(candidate["id"], 0):
            report.problems.append(
                Problem(
                    None,
                    f"候选对象 {candidate['id']} 公布 {candidate.get('count')} 票，"
                    f"按日志重新计票为 {tally.get(candidate['id'], 0)} 票",
                )
            )
    report.counted = tally


def audit(bundle: Bundle) -> Report:
    """Audit one ballot's published log, checkpoints and results."""
    report = Report()
    count = _read_leaves(bundle, report)
    tree = Tree([leaf_hash(data.encode("utf-8")) for data in bundle.leaves])
    _check_checkpoints(bundle, tree, report)
    _check_results(bundle, count, report)
    return report
