"""The ``problems_of`` fixture: load content written to tmp_path and list its problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from award.content import load_content
from award.problems import ContentError
from tests.content_files import write_content


@pytest.fixture
def problems_of(tmp_path: Path):
    """Load content written to tmp_path and return the problem strings (empty if it passes)."""

    def check(
        year: dict | str | None = None, notices: dict[str, str] | None = None, **options: Any
    ) -> list[str]:
        root = write_content(tmp_path / "content", year, notices)
        try:
            load_content([root], **options)
        except ContentError as error:
            return [str(problem) for problem in error.problems]
        return []

    return check
