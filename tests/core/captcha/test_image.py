"""The image captcha, measured on the rendered pixels: characters apart, text contrast."""

from __future__ import annotations

import io
import itertools
import random

import numpy as np
import pytest
from PIL import Image

from vote_api.core.captcha.alphabet import ANSWER_LENGTH, IMAGE_ALPHABET, random_text
from vote_api.core.captcha.image import (
    HEIGHT,
    MAX_NOISE_CONTRAST,
    MIN_TEXT_CONTRAST,
    WIDTH,
    render_image,
)

#: A pixel this far from the background (contrast ratio) is ink of a character.
INK = 3.0


def luminance(pixels: np.ndarray) -> np.ndarray:
    """WCAG 2 relative luminance of an array of sRGB pixels."""
    c = pixels.astype(float) / 255
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def contrast(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """WCAG 2 contrast ratio, elementwise."""
    a, b = luminance(first), luminance(second)
    return (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)


def measure(data: bytes) -> tuple[np.ndarray, list[tuple[int, int]], list[float], float]:
    """Background colour, the column spans of ink, each span's main ink contrast, and the
    highest contrast of any pixel outside the spans."""
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    assert pixels.shape == (HEIGHT, WIDTH, 3)
    colours, counts = np.unique(pixels.reshape(-1, 3), axis=0, return_counts=True)
    background = colours[counts.argmax()]
    ratio = contrast(pixels, background)
    inked = (ratio >= INK).any(axis=0)
    spans: list[tuple[int, int]] = []
    for x in range(WIDTH):
        if inked[x] and (not spans or spans[-1][1] != x):
            spans.append((x, x + 1))
        elif inked[x]:
            spans[-1] = (spans[-1][0], x + 1)
    ink_contrast = []
    outside = np.ones(WIDTH, dtype=bool)
    for start, end in spans:
        outside[max(0, start - 1) : end + 1] = False  # with the glyph's soft edge
        region = pixels[:, start:end][ratio[:, start:end] >= INK]
        kinds, many = np.unique(region, axis=0, return_counts=True)
        main = kinds[many.argmax()]  # the solid colour inside the strokes
        assert many.max() >= 0.25 * len(region)
        ink_contrast.append(float(contrast(main[None], background)[0]))
    return background, spans, ink_contrast, float(ratio[:, outside].max())


def test_alphabet_has_no_look_alikes() -> None:
    for confusable in "0OQ1IL2Z5S6G8BVW":
        assert confusable not in IMAGE_ALPHABET
    assert len(set(IMAGE_ALPHABET)) == len(IMAGE_ALPHABET) >= 20


@pytest.mark.parametrize("seed", range(60))
def test_characters_never_touch_and_text_has_contrast(seed: int) -> None:
    rng = random.Random(seed)
    wide = ["MMMMM", "MHMHM", "NKMXH"]
    answer = wide[seed] if seed < len(wide) else random_text(IMAGE_ALPHABET, rng)
    media_type, data = render_image(answer, rng)
    assert media_type == "image/png"
    _, spans, ink_contrast, noise = measure(data)
    # One separate run of inked columns per character: their boxes cannot overlap.
    assert len(spans) == ANSWER_LENGTH, spans
    assert all(b[0] - a[1] >= 2 for a, b in itertools.pairwise(spans))
    assert min(ink_contrast) >= MIN_TEXT_CONTRAST
    # Between characters, nothing stands out like a stroke.
    assert noise < MAX_NOISE_CONTRAST


def test_glyphs_are_large() -> None:
    rng = random.Random(99)
    _, data = render_image("ACDEF", rng)
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    background, spans, _, _ = measure(data)
    inked_rows = (contrast(pixels, background) >= INK).any(axis=1)
    assert inked_rows.sum() >= 36  # px of height covered by the text
    assert all(end - start >= 18 for start, end in spans)


def test_each_rendering_is_new() -> None:
    rng = random.Random(5)
    assert render_image("ACDEF", rng)[1] != render_image("ACDEF", rng)[1]


@pytest.mark.parametrize("answer", ["", "ACDE0", "acdef", "AC DE"])
def test_characters_outside_the_alphabet_are_refused(answer: str) -> None:
    with pytest.raises(ValueError, match="只能使用"):
        render_image(answer, random.Random(1))
