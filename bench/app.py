"""The benchmark's ASGI entry: the real app with a known captcha answer (bench-only, never deployed).

``uvicorn --factory bench.app:app`` reads the usual SZMQA_* variables. The production entry
``vote_api.main:app_from_environment`` has no way to fix the captcha answer.
"""

from __future__ import annotations

from fastapi import FastAPI

from vote_api.core.captcha import CaptchaKind
from vote_api.core.settings import Settings
from vote_api.main import create_app

IMAGE_ANSWER = "ACDEF"
AUDIO_ANSWER = "13579"


def known_answer(kind: CaptchaKind) -> str:
    """The fixed answer the benchmark's clients type."""
    return IMAGE_ANSWER if kind is CaptchaKind.IMAGE else AUDIO_ANSWER


def app() -> FastAPI:
    """The service as configured by the environment, answering every captcha with a known text."""
    return create_app(Settings(), captcha_answers=known_answer)
