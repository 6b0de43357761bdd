"""Captchas people can read and hear: alphabets, renderers, and single-use challenges."""

from vote_api.core.captcha.alphabet import (
    ANSWER_LENGTH,
    AUDIO_ALPHABET,
    IMAGE_ALPHABET,
    random_text,
)
from vote_api.core.captcha.service import (
    AnswerSource,
    CaptchaChallenge,
    CaptchaKind,
    CaptchaService,
    normalise_answer,
)

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
