"""The typed state of one app: the shared parts plus each feature's service parts."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.applications import Starlette

from vote_api.core.state import STATE_ATTRIBUTE, CoreState
from vote_api.objections.service import Objections
from vote_api.voting.service import Voting


@dataclass
class AppState(CoreState):
    """Everything an app's routes use, built once in ``create_app``."""

    voting: Voting
    objections: Objections


def app_state(app: Starlette) -> AppState:
    """The state of an app built by ``create_app``."""
    return getattr(app.state, STATE_ATTRIBUTE)
