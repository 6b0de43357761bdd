"""A local fake of the vendor's verification endpoint, one per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.voting.sms.fake_endpoint import FakeEndpoint


@pytest.fixture
def endpoint() -> Iterator[FakeEndpoint]:
    fake = FakeEndpoint().start()
    yield fake
    fake.stop()
