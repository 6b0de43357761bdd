"""The built-in human check: captchas people can read and hear, single-use, drawn here."""

from vote_api.core.captcha.alphabet import (
    ANSWER_LENGTH,
    AUDIO_ALPHABET,
    IMAGE_ALPHABET,
    random_text,
)
from vote_api.core.captcha.service import (
    AnswerSource,
    CaptchaChallenge,
    CaptchaService,
    normalise_answer,
)
from vote_api.core.humancheck import CaptchaKind

__all__ = [
    "ANSWER_LENGTH",
    "AUDIO_ALPHABET",
    "IMAGE_ALPHABET",
    "AnswerSource",
    "CaptchaChallenge",
    "CaptchaKind",
    "CaptchaService",
    "normalise_answer",
    "random_text",
]
