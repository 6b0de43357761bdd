"""The console tests' app: the demo year, a movable clock, known captcha answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import Console, make_console


@pytest.fixture
def console(tmp_path: Path, demo_dir: Path) -> Iterator[Console]:
    """An app with the console, and nobody enrolled yet (its clients closed afterwards)."""
    console = make_console(tmp_path, demo_dir)
    yield console
    console.close()
