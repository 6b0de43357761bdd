"""The Mandarin audio captcha: playable, short, small, and not read by template matching."""

from __future__ import annotations

import io
import random
import wave

import numpy as np
import pytest

from tests.core.captcha.solver import TemplateSolver, decode_wav, shipped_solver
from vote_api.core.captcha.alphabet import ANSWER_LENGTH, AUDIO_ALPHABET, random_text
from vote_api.core.captcha.audio import MAX_SECONDS, SAMPLE_RATE, render_audio, voice_samples


@pytest.fixture(scope="module")
def solver() -> TemplateSolver:
    return shipped_solver()


def challenges(count: int, seed: int) -> list[tuple[str, np.ndarray]]:
    """`count` rendered challenges with their answers, reproducible from `seed`."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        answer = random_text(AUDIO_ALPHABET, rng)
        media_type, data = render_audio(answer, rng)
        assert media_type == "audio/wav"
        out.append((answer, decode_wav(data)[0]))
    return out


def test_every_digit_has_shipped_samples() -> None:
    samples = voice_samples()
    assert sorted(samples) == list("0123456789")
    for digit, recordings in samples.items():
        assert len(recordings) == 3, digit
        for recording in recordings:
            assert 0.2 * SAMPLE_RATE < len(recording) < 0.6 * SAMPLE_RATE


def test_solver_reads_the_unvaried_samples(solver: TemplateSolver) -> None:
    """The solver works: the shipped samples, simply spliced with silence, are read."""
    rng = random.Random(7)
    samples = voice_samples()
    solved = 0
    for _ in range(20):
        answer = random_text(AUDIO_ALPHABET, rng)
        pieces = [np.concatenate([rng.choice(samples[d]), np.zeros(1600)]) for d in answer]
        solved += solver.solve(np.concatenate(pieces) * 100, len(answer)) == answer
    assert solved >= 18


def test_template_matching_solves_under_ten_percent(solver: TemplateSolver) -> None:
    solved = sum(
        solver.solve(signal, ANSWER_LENGTH) == answer for answer, signal in challenges(100, 1)
    )
    assert solved < 10


def test_matching_resampled_templates_does_not_undo_the_variation() -> None:
    """Trying the samples at five speeds over the renderer's whole range still fails."""
    solver = shipped_solver(speeds=np.linspace(0.78, 1.28, 5))
    solved = sum(
        solver.solve(signal, ANSWER_LENGTH) == answer for answer, signal in challenges(10, 2)
    )
    assert solved == 0


def test_each_rendering_is_new() -> None:
    rng = random.Random(3)
    first = render_audio("12345", rng)[1]
    second = render_audio("12345", rng)[1]
    assert first != second


def test_format_length_and_size() -> None:
    """8 kHz mono 8-bit WAV; the slowest, longest case stays within 8 s and 64 KiB."""
    rng = random.Random(4)
    longest = 0.0
    for answer in [
        "00000",
        "99999",
        "09090",
        *(random_text(AUDIO_ALPHABET, rng) for _ in range(30)),
    ]:
        _, data = render_audio(answer, rng)
        with wave.open(io.BytesIO(data), "rb") as audio:
            assert (audio.getnchannels(), audio.getsampwidth(), audio.getframerate()) == (
                1,
                1,
                8000,
            )
            seconds = audio.getnframes() / audio.getframerate()
        longest = max(longest, seconds)
        assert len(data) <= 64 * 1024
    assert 2.0 < longest <= MAX_SECONDS


def test_too_long_answer_is_refused_not_cut() -> None:
    with pytest.raises(ValueError, match="过长"):
        render_audio("0" * 16, random.Random(5))


@pytest.mark.parametrize("answer", ["", "12a45", "１２３４５", "1 2"])
def test_non_digits_are_refused(answer: str) -> None:
    with pytest.raises(ValueError, match="数字"):
        render_audio(answer, random.Random(6))
