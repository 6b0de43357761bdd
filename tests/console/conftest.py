"""The console tests' app: the demo year, a movable clock, known captcha answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import Console, make_console


@pytest.fixture
def console(tmp_path: Path, demo_dir: Path) -> Console:
    """An app with the console, and nobody enrolled yet."""
    return make_console(tmp_path, demo_dir)
