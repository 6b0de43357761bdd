"""Captcha challenges people can read and hear: alphabets, image and Mandarin audio renderers."""

from vote_api.core.captcha.alphabet import (
    ANSWER_LENGTH,
    AUDIO_ALPHABET,
    IMAGE_ALPHABET,
    random_answer,
)

__all__ = ["ANSWER_LENGTH", "AUDIO_ALPHABET", "IMAGE_ALPHABET", "random_answer"]
