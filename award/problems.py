"""Problems found in the award's content: which file, which entry, which rule, what is wrong."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from award.errors import AwardError


@dataclass(frozen=True, order=True)
class Problem:
    """One rule broken by one entry of one file."""

    file: str
    entry: str
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry}" if self.entry else self.file
        return f"{where}: {self.message} [{self.rule}]"


class ContentError(AwardError):
    """The content breaks one or more of the award's rules; every problem is listed."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"内容检查未通过，共 {len(self.problems)} 处问题：\n{lines}")


def display_path(path: Path) -> str:
    """A path as a person would type it: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
