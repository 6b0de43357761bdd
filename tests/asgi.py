"""A test-only ASGI entry for server subprocesses: the real app, a fixed clock, known captchas.

``uvicorn --factory tests.asgi:app`` reads the usual SZMQA_* variables, plus
``SZMQA_TEST_NOW`` (ISO date-time) for the clock. Never used outside the tests.
"""

from __future__ import annotations

import os
from datetime import datetime

from fastapi import FastAPI

from tests.factories import NOW, known_answer
from vote_api.core.settings import Settings
from vote_api.main import create_app


def app() -> FastAPI:
    """The service from the environment, at a fixed moment, with known captcha answers."""
    moment = datetime.fromisoformat(os.environ.get("SZMQA_TEST_NOW", NOW.isoformat()))
    return create_app(Settings(), clock=lambda: moment, captcha_answers=known_answer)
