"""Warnings a secretary would want: not rules that refuse content, but things worth a second look."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from difflib import SequenceMatcher
from itertools import combinations

from award.guide_quotes import GROUP_BUSINESS, SOCIAL_EVALUATION, quoted
from award.models import Content, Entrant, YearFile
from award.problems import Problem, display_path
from award.stages import Stage

#: Two business descriptions at least this similar (difflib ratio) are worth a look.
SIMILAR_BUSINESS_RATIO = 0.75

_NOT_WORDS = re.compile(r"[\s\W_]+")


def _business_key(text: str) -> str:
    return _NOT_WORDS.sub("", text).casefold()


def similar_business(first: str, second: str) -> bool:
    """Whether two different business descriptions read as near the same (精密制造, 精密制造业)."""
    if first == second:  # the same text is the rule's to refuse, not a warning
        return False
    a, b = _business_key(first), _business_key(second)
    if not a or not b:
        return False
    if a == b:
        return True
    if min(len(a), len(b)) >= 2 and (a in b or b in a):
        return True
    return SequenceMatcher(None, a, b).ratio() >= SIMILAR_BUSINESS_RATIO


def similar_group_businesses(item: YearFile) -> Iterator[Problem]:
    """Entrants of one group whose businesses differ in wording but may be the same business."""
    by_group: dict[str, list[tuple[int, Entrant]]] = defaultdict(list)
    for index, entrant in enumerate(item.data.entrants, start=1):
        if entrant.group and entrant.business:
            by_group[entrant.group].append((index, entrant))
    for group, members in by_group.items():
        for (_, first), (second_index, second) in combinations(members, 2):
            assert first.business is not None and second.business is not None
            if similar_business(first.business, second.business):
                yield Problem(
                    display_path(item.path),
                    f"entrants[{second_index}]（{second.id}）",
                    "同一集团业务相同或相似的限一家",
                    f"{group}下 {first.id}（{first.business}）与 {second.id}（{second.business}）"
                    f"的业务写法相近，请核实是否属于业务相同或相似。{quoted(GROUP_BUSINESS)}",
                )


def social_evaluation_without_ballot(item: YearFile) -> Iterator[Problem]:
    """A category that goes to social evaluation this year but has no online vote yet."""
    voted = {ballot.category for ballot in item.data.ballots}
    for category, stage in item.data.evaluation.items():
        if stage is Stage.SOCIAL_EVALUATION and category not in voted:
            yield Problem(
                display_path(item.path),
                f"evaluation.{category.value}",
                "社会评价采用网络公众投票",
                f"{category.label}本年度进行社会评价，但 ballots 中还没有该类别的网络投票。"
                f"{quoted(SOCIAL_EVALUATION)}",
            )


def content_warnings(content: Content) -> list[Problem]:
    """Every warning over the content's years, sorted by file (printed, never refusing)."""
    warnings: list[Problem] = []
    for item in content.years:
        warnings += similar_group_businesses(item)
        warnings += social_evaluation_without_ballot(item)
    return sorted(warnings)


def warning_lines(warnings: list[Problem]) -> list[str]:
    """The warnings as ``szmqa check`` and the pre-receive hook print them."""
    if not warnings:
        return []
    return [f"提醒（不影响发布）共 {len(warnings)} 条，请核实："] + [f"  - {w}" for w in warnings]
