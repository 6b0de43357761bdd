"""The application state that every part shares, typed and set once when the app is built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slowapi import Limiter
from starlette.applications import Starlette

from award.content import Content
from vote_api.core.captcha import CaptchaService
from vote_api.core.db import Database
from vote_api.core.settings import Settings

Clock = Callable[[], datetime]
#: The attribute of ``app.state`` that holds the typed state.
STATE_ATTRIBUTE = "szmqa"


@dataclass
class CoreState:
    """Settings, database, award content, clock, captcha service and rate limiter of one app."""

    settings: Settings
    db: Database
    content: Content
    clock: Clock
    captcha: CaptchaService
    limiter: Limiter

    def now(self) -> datetime:
        """The server's current time (Asia/Shanghai), from the app's clock."""
        return self.clock()


def core_state(app: Starlette) -> CoreState:
    """The shared state of an app built by ``create_app``."""
    return getattr(app.state, STATE_ATTRIBUTE)
