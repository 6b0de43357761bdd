"""What the vote tests share with their server subprocesses: the moment and the answers."""

from __future__ import annotations

from datetime import datetime

from award.moments import SHANGHAI
from vote_api.core.captcha import CaptchaKind

#: DEMO_NOW of the shared conftest: the culture and social ballots are open.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
IMAGE_ANSWER = "ACDEF"
AUDIO_ANSWER = "13579"
CULTURE = "demo-2026-culture"  # period day, one choice
SOCIAL = "demo-2026-social"  # period window, two choices
ECOLOGY = "demo-2026-ecology"  # closed
MANAGEMENT = "demo-2026-management"  # upcoming
SERVICE = "demo-2026-service"  # window, phone-verified voters


def known_answer(kind: CaptchaKind) -> str:
    """The captcha answers the tests type (injected through the app factory)."""
    return IMAGE_ANSWER if kind is CaptchaKind.IMAGE else AUDIO_ANSWER


def per_minute(limit: str) -> int:
    """The per-minute count of a limit such as ``"20/minute;200/hour"``."""
    return int(limit.split(";")[0].split("/")[0])
