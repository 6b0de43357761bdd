"""The application state that every part shares, typed and set once when the app is built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from slowapi import Limiter
from starlette.applications import Starlette

from award.content import Content
from vote_api.core.captcha import CaptchaService
from vote_api.core.content import ContentHolder
from vote_api.core.db import Database
from vote_api.core.settings import Settings

if TYPE_CHECKING:
    from vote_api.core.limits import SharedLimits

Clock = Callable[[], datetime]
#: The attribute of ``app.state`` that holds the typed state.
STATE_ATTRIBUTE = "szmqa"


@dataclass
class CoreState:
    """Settings, database, award content, clock, captcha service and rate limiter of one app."""

    settings: Settings
    db: Database
    contents: ContentHolder
    clock: Clock
    captcha: CaptchaService
    limiter: Limiter
    #: The limits' shared storage, counted asynchronously; None when limits are in-process.
    shared_limits: SharedLimits | None

    def now(self) -> datetime:
        """The server's current time (Asia/Shanghai), from the app's clock."""
        return self.clock()

    @property
    def content(self) -> Content:
        """The current award content (followed as it is published, see core/content.py)."""
        return self.contents.content


def core_state(app: Starlette) -> CoreState:
    """The shared state of an app built by ``create_app``."""
    return getattr(app.state, STATE_ATTRIBUTE)
