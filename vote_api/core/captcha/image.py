"""The image captcha, drawn for people: large glyphs apart from each other, text contrast.

Each character is drawn on its own layer in the `captcha` package's DroidSans Mono (with a
1 px stroke, for weight), at a random size and tilt, and placed left to right with a clear gap after the previous
character's inked box, so no two characters ever touch. Every character's colour has a
contrast ratio of at least `MIN_TEXT_CONTRAST` (WCAG 2) against the flat background; the
lines and dots behind the text stay under `MAX_NOISE_CONTRAST`, so they never read as
strokes. Output: PNG.

Cheap to draw (bench/bench_vote.py measures it in the server's CPU per challenge): glyphs are
drawn once per character, size and tilt step and then reused (as sharp-edged masks); the
image is drawn straight in a palette of its few colours (background, three noise colours, one
per character), so the speckle is one array operation and the PNG is small and quick to write.
Layout and noise come from a fast generator seeded per image from the caller's (system)
randomness; the answer itself is chosen elsewhere.
"""

from __future__ import annotations

import colorsys
import functools
import io
import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from vote_api.core.captcha.alphabet import IMAGE_ALPHABET

WIDTH, HEIGHT = 280, 96
MEDIA_TYPE = "image/png"
MIN_TEXT_CONTRAST = 4.5
MAX_NOISE_CONTRAST = 1.6
#: Font sizes (px) and tilt (degrees) a character is drawn with, in steps (drawn glyphs are
#: kept per character, size and tilt: at most 30 x 6 x 17 small masks).
FONT_SIZES = (50, 60)
SIZE_STEP = 2
MAX_TILT = 16
TILT_STEP = 2
#: Noise colours per image, and speckles (2 x 2 px) per image.
NOISE_COLOURS = 3
SPECKLES = (150, 250)
#: Where a glyph's soft edge becomes ink (of 255).
INK_THRESHOLD = 96
#: Clear columns between two characters' inked boxes, and at the image's sides.
MIN_GAP = 4
MIN_MARGIN = 6


def relative_luminance(colour: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _hls(
    rng: random.Random, lightness: tuple[float, float], saturation: tuple[float, float]
) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(rng.random(), rng.uniform(*lightness), rng.uniform(*saturation))
    return round(r * 255), round(g * 255), round(b * 255)


def _text_colour(rng: random.Random, background: tuple[int, int, int]) -> tuple[int, int, int]:
    """A dark colour with at least `MIN_TEXT_CONTRAST` (with room to spare) on `background`."""
    while True:
        colour = _hls(rng, (0.08, 0.32), (0.4, 0.9))
        if contrast_ratio(colour, background) >= MIN_TEXT_CONTRAST + 1:
            return colour


def _noise_colour(
    rng: random.Random, background: tuple[int, int, int], text: tuple[int, int, int]
) -> tuple[int, int, int]:
    """Between background and text, kept under `MAX_NOISE_CONTRAST` against the background."""
    for share in (0.25, 0.2, 0.15, 0.1, 0.05):
        mix = rng.uniform(share / 2, share)
        colour = tuple(round(b + (t - b) * mix) for b, t in zip(background, text, strict=True))
        if contrast_ratio(colour, background) < MAX_NOISE_CONTRAST:  # type: ignore[arg-type]
            return colour  # type: ignore[return-value]
    return background


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    from captcha.image import DEFAULT_FONTS

    return ImageFont.truetype(str(Path(DEFAULT_FONTS[0])), size)


@functools.lru_cache(maxsize=4096)
def _glyph(char: str, size: int, tilt: int) -> Image.Image:
    """One character as a tilted sharp-edged mask, cropped to its ink."""
    font = _font(size)
    left, top, right, bottom = font.getbbox(char)
    mask = Image.new("L", (int(right - left) + 10, int(bottom - top) + 10), 0)
    draw = ImageDraw.Draw(mask)
    draw.text((4 - left, 4 - top), char, font=font, fill=255, stroke_width=1, stroke_fill=255)
    mask = mask.rotate(tilt, resample=Image.Resampling.BICUBIC, expand=True)
    mask = mask.point(lambda value: 255 if value >= INK_THRESHOLD else 0).convert("1")
    box = mask.getbbox()
    return mask.crop(box) if box else mask


def warm_glyphs() -> int:
    """Draw every character at every size and tilt step ahead (at the drawing process's start)."""
    sizes = range(FONT_SIZES[0], FONT_SIZES[1] + 1, SIZE_STEP)
    tilts = range(-MAX_TILT, MAX_TILT + 1, TILT_STEP)
    return len([_glyph(c, s, t) for c in IMAGE_ALPHABET for s in sizes for t in tilts])


def _layout(answer: str, rng: random.Random) -> list[tuple[Image.Image, int, int]]:
    """Each character's mask and top-left corner; boxes apart by at least `MIN_GAP`."""
    for shrink in range(0, 30, 2):  # smaller glyphs only if the answer would not fit
        masks = [
            _glyph(
                char,
                rng.randrange(FONT_SIZES[0], FONT_SIZES[1] + 1, SIZE_STEP) - shrink,
                rng.randrange(-MAX_TILT, MAX_TILT + 1, TILT_STEP),
            )
            for char in answer
        ]
        spare = WIDTH - sum(m.width for m in masks) - 2 * MIN_MARGIN - MIN_GAP * (len(masks) - 1)
        if spare >= 0 and all(m.height <= HEIGHT - 4 for m in masks):
            break
    else:
        raise ValueError(f"图片验证码放不下 {len(answer)} 个字符")
    # Share the spare width at random between the gaps and the margins.
    cuts = sorted(rng.randint(0, spare) for _ in range(len(masks)))
    extra = [b - a for a, b in zip([0, *cuts], cuts, strict=False)]
    placed = []
    x = MIN_MARGIN
    for mask, more in zip(masks, extra, strict=True):
        x += more
        y = rng.randint(2, HEIGHT - mask.height - 2)
        placed.append((mask, x, y))
        x += mask.width + MIN_GAP
    return placed


def _speckle(pixels: np.ndarray, noise: range, rng: random.Random) -> None:
    """Scatter 2 x 2 px dots of the noise colours (palette indices), in one operation."""
    count = rng.randint(*SPECKLES)
    seeded = np.random.default_rng(rng.getrandbits(64))
    ys = seeded.integers(0, HEIGHT - 1, count)
    xs = seeded.integers(0, WIDTH - 1, count)
    colours = seeded.integers(noise.start, noise.stop, count).astype(np.uint8)
    for dy, dx in ((0, 0), (0, 1), (1, 0), (1, 1)):
        pixels[ys + dy, xs + dx] = colours


def render_image(answer: str, rng: random.Random) -> tuple[str, bytes]:
    """The media type and PNG bytes of a fresh drawing of `answer` (from `IMAGE_ALPHABET`)."""
    if not answer or any(char not in IMAGE_ALPHABET for char in answer):
        raise ValueError(f"图片验证码只能使用这些字符：{IMAGE_ALPHABET}")
    rng = random.Random(rng.getrandbits(64))  # fast; seeded from the caller's randomness
    background = _hls(rng, (0.9, 0.96), (0.3, 0.8))
    colours = [_text_colour(rng, background) for _ in answer]
    noise = [_noise_colour(rng, background, rng.choice(colours)) for _ in range(NOISE_COLOURS)]
    # Palette: 0 the background, then the noise colours, then one colour per character.
    noise_indices = range(1, 1 + NOISE_COLOURS)
    first_text = 1 + NOISE_COLOURS
    pixels = np.zeros((HEIGHT, WIDTH), dtype=np.uint8)
    _speckle(pixels, noise_indices, rng)
    image = Image.fromarray(pixels, "P")
    image.putpalette([channel for colour in (background, *noise, *colours) for channel in colour])
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(4, 7)):  # curves behind the text
        x0, y0 = rng.randint(-WIDTH // 2, WIDTH // 2), rng.randint(-HEIGHT, HEIGHT // 2)
        box = (x0, y0, x0 + rng.randint(WIDTH // 2, WIDTH), y0 + rng.randint(HEIGHT, 2 * HEIGHT))
        draw.arc(
            box,
            rng.uniform(0, 360),
            rng.uniform(0, 360),
            fill=rng.choice(noise_indices),
            width=rng.randint(2, 4),
        )
    for index, (mask, x, y) in enumerate(_layout(answer, rng), start=first_text):
        image.paste(index, (x, y), mask)
    out = io.BytesIO()
    image.save(out, format="png", compress_level=1)  # 0.6 ms, 2.7 KB in all
    return MEDIA_TYPE, out.getvalue()
