"""The alphabets and answer length of the renderers (image.py, audio.py), defined once."""

from __future__ import annotations

import random

#: Capitals and digits with no look-alikes: none of 0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B,
#: V (read as U or Y) or W (an M turned over); D stays, with 0, O and Q gone.
IMAGE_ALPHABET = "ACDEFHJKMNPRTUXY3479"
#: The audio captcha speaks Mandarin digits, which every listener knows.
AUDIO_ALPHABET = "0123456789"
ANSWER_LENGTH = 5


def random_text(alphabet: str, rng: random.Random, length: int = ANSWER_LENGTH) -> str:
    """A random answer of `length` characters drawn from `alphabet` with `rng`."""
    return "".join(rng.choice(alphabet) for _ in range(length))
