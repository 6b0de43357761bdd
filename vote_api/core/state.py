"""The application state that every part shares, typed and set once when the app is built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.applications import Starlette

from award.content import Content
from vote_api.core.content import ContentHolder
from vote_api.core.crypto import Sealer
from vote_api.core.db import Database
from vote_api.core.humancheck import HumanCheck
from vote_api.core.parts import part
from vote_api.core.settings import Settings

Clock = Callable[[], datetime]


@dataclass
class CoreState:
    """Settings, database, award content, clock, encryption and human check of one app."""

    settings: Settings
    db: Database
    contents: ContentHolder
    clock: Clock
    #: Seals personal data at rest (objection reporters, staff authenticator secrets).
    sealer: Sealer
    #: Guards SMS sends, votes and objections (the built-in captcha unless a vendor's).
    human_check: HumanCheck

    def now(self) -> datetime:
        """The server's current time (Asia/Shanghai), from the app's clock."""
        return self.clock()

    @property
    def content(self) -> Content:
        """The current award content (followed as it is published, see core/content.py)."""
        return self.contents.content


def core_state(app: Starlette) -> CoreState:
    """The shared state of an app built by ``create_app``."""
    return part(app, CoreState)
