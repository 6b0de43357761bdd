"""The objection tests' apps: small limits, no rate limits, each app in a folder of its own."""

from __future__ import annotations

import pytest

from tests.factories import Apps


@pytest.fixture
def make_env(make_objection_env: Apps) -> Apps:
    """Build an Env at NOW: ``make_env(now=..., **settings)``."""
    return make_objection_env
