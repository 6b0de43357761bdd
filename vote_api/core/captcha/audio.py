"""The audio captcha: Mandarin digits from the shipped voice samples, varied per challenge.

Every digit is picked from one of the shipped voices; its pitch and speed are changed by
resampling (drifting across the digit), its length then set apart from its pitch by
overlap-adding jittered grains, its waveform smeared by a random-phase filter a few ms
long, and its gain drawn at random. The digits are spaced by random gaps over a bed of
noise and reversed, resampled speech (babble no listener mistakes for a digit). So no two
challenges share a waveform, and matching the shipped samples against the signal, even
resampled to every speed, does not read it (tests/core/captcha/test_audio.py). Output: WAV,
8 kHz, mono, 8-bit (every browser plays it), at most `MAX_SECONDS` long.
"""

from __future__ import annotations

import functools
import io
import random
import wave
from pathlib import Path

import numpy as np

from vote_api.core.captcha.alphabet import AUDIO_ALPHABET

SAMPLE_RATE = 8000
MAX_SECONDS = 8.0
MEDIA_TYPE = "audio/wav"
VOICE_DIR = Path(__file__).with_name("voice")
#: Resampling rate (pitch) of a digit at its start and at its end, each drawn from this range.
SPEED_RANGE = (0.78, 1.28)
#: Length of a digit against its recording, set apart from its pitch by `_stretch`.
TEMPO_RANGE = (0.85, 1.25)
GAP_SECONDS = (0.25, 0.7)
LEAD_SECONDS = (0.25, 0.5)
TAIL_SECONDS = 0.3


@functools.cache
def voice_samples() -> dict[str, tuple[np.ndarray, ...]]:
    """The shipped samples, per digit: float32 signals at `SAMPLE_RATE`, peak 1."""
    samples: dict[str, list[np.ndarray]] = {digit: [] for digit in AUDIO_ALPHABET}
    for path in sorted(VOICE_DIR.glob("*-?.wav")):
        digit = path.stem[-1]
        if digit in samples:
            samples[digit].append(read_wav(path))
    missing = [digit for digit, found in samples.items() if not found]
    if missing:
        raise RuntimeError(f"语音验证码缺少数字 {''.join(missing)} 的语音样本（{VOICE_DIR}）")
    return {digit: tuple(found) for digit, found in samples.items()}


def read_wav(path: Path) -> np.ndarray:
    """A mono 16-bit WAV at `SAMPLE_RATE` as float32, scaled to peak 1."""
    with wave.open(str(path), "rb") as source:
        if (source.getnchannels(), source.getsampwidth(), source.getframerate()) != (
            1,
            2,
            SAMPLE_RATE,
        ):
            raise RuntimeError(f"语音样本 {path.name} 须为 {SAMPLE_RATE} Hz 单声道 16 位 WAV")
        signal = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2")
    signal = signal.astype(np.float32)
    return signal / max(float(np.abs(signal).max()), 1.0)


def _warp(signal: np.ndarray, start_speed: float, end_speed: float) -> np.ndarray:
    """Resample with a speed drifting linearly from `start_speed` to `end_speed`."""
    length = len(signal)
    mean_speed = (start_speed + end_speed) / 2
    out_length = max(2, int(length / mean_speed))
    # Read position advances by the current speed at each output sample.
    steps = np.linspace(start_speed, end_speed, out_length, dtype=np.float64)
    positions = np.concatenate(([0.0], np.cumsum(steps[:-1])))
    positions *= (length - 1) / max(positions[-1], 1.0)
    return np.interp(positions, np.arange(length), signal).astype(np.float32)


def _stretch(signal: np.ndarray, factor: float, gen: np.random.Generator) -> np.ndarray:
    """Lengthen by `factor` without changing pitch: overlap-add of 30 ms grains read from
    jittered places, so the waveform no longer follows the sample's from grain to grain."""
    grain, hop = 240, 120
    out_length = max(grain, int(len(signal) * factor))
    starts = np.arange(0, out_length - grain + 1, hop)
    reads = starts / factor + gen.integers(-24, 25, size=len(starts))
    reads = np.clip(reads.astype(int), 0, max(0, len(signal) - grain))
    padded = np.pad(signal, (0, grain))
    window = np.hanning(grain).astype(np.float32)
    out = np.zeros(out_length + grain, dtype=np.float32)
    weight = np.zeros_like(out)
    for start, read in zip(starts, reads, strict=True):
        out[start : start + grain] += padded[read : read + grain] * window
        weight[start : start + grain] += window
    return out[:out_length] / np.maximum(weight[:out_length], 0.3)


def _colour(signal: np.ndarray, gen: np.random.Generator) -> np.ndarray:
    """A random-phase filter a few ms long: the ear hardly notices, the waveform changes."""
    size = 64
    phases = gen.uniform(-np.pi, np.pi, size // 2 + 1)
    phases[0] = phases[-1] = 0.0
    taps = np.fft.irfft(np.exp(1j * phases), size)
    taps *= np.exp(-np.arange(size) / gen.uniform(6.0, 14.0))  # a short, fading smear
    shaped = np.convolve(signal, taps, mode="same").astype(np.float32)
    return shaped / max(float(np.abs(shaped).max()), 1e-6)


def _babble(length: int, gen: np.random.Generator) -> np.ndarray:
    """Reversed, resampled voice samples one after another: speech-like, never a digit."""
    pool = [sample for samples in voice_samples().values() for sample in samples]
    bed = np.zeros(length, dtype=np.float32)
    position = int(gen.integers(0, SAMPLE_RATE // 5))
    while position < length:
        sample = pool[int(gen.integers(len(pool)))][::-1]
        piece = _warp(sample, *gen.uniform(0.7, 1.4, size=2))[: length - position]
        bed[position : position + len(piece)] += piece * gen.uniform(0.5, 1.0)
        position += len(piece) + int(gen.integers(0, SAMPLE_RATE // 8))
    return bed


def _wav_bytes(signal: np.ndarray) -> bytes:
    """8-bit unsigned mono WAV at `SAMPLE_RATE` of a float signal in [-1, 1]."""
    pcm = np.clip(np.round(signal * 127.0) + 128.0, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(1)
        target.setframerate(SAMPLE_RATE)
        target.writeframes(pcm.tobytes())
    return out.getvalue()


def render_audio(answer: str, rng: random.Random) -> tuple[str, bytes]:
    """The media type and bytes of a fresh spoken rendering of `answer` (digits only)."""
    if not answer or any(char not in AUDIO_ALPHABET for char in answer):
        raise ValueError("语音验证码只能朗读数字 0-9")
    gen = np.random.default_rng(rng.getrandbits(128))
    samples = voice_samples()
    digits = []
    for char in answer:
        sample = samples[char][int(gen.integers(len(samples[char])))]
        pitched = _warp(sample, *gen.uniform(*SPEED_RANGE, size=2))  # pitch and speed
        timed = _stretch(pitched, len(sample) / len(pitched) * gen.uniform(*TEMPO_RANGE), gen)
        digits.append(_colour(timed, gen) * gen.uniform(0.7, 1.0))
    gaps = [int(gen.uniform(*GAP_SECONDS) * SAMPLE_RATE) for _ in digits[1:]]
    lead = int(gen.uniform(*LEAD_SECONDS) * SAMPLE_RATE)
    tail = int(TAIL_SECONDS * SAMPLE_RATE)
    limit = int(MAX_SECONDS * SAMPLE_RATE)
    spoken = sum(len(digit) for digit in digits)
    if lead + spoken + tail > limit:
        raise ValueError(f"语音验证码过长：{len(answer)} 位数字读不进 {MAX_SECONDS:g} 秒")
    spare = limit - lead - spoken - tail
    gap_total = sum(gaps)
    if gap_total > spare:  # shrink the gaps, never the digits, to stay within the limit
        gaps = [gap * spare // gap_total for gap in gaps]
    total = lead + spoken + sum(gaps) + tail
    voice = np.zeros(total, dtype=np.float32)
    position = lead
    for digit, gap in zip(digits, [*gaps, 0], strict=True):
        voice[position : position + len(digit)] = digit
        position += len(digit) + gap
    babble = _babble(total, gen)
    babble *= gen.uniform(0.18, 0.3) / max(float(np.abs(babble).max()), 1e-6)
    noise = gen.normal(0.0, gen.uniform(0.02, 0.045), size=total).astype(np.float32)
    mixed = voice + babble + noise
    mixed *= gen.uniform(0.6, 0.95) / max(float(np.abs(mixed).max()), 1e-6)
    return MEDIA_TYPE, _wav_bytes(mixed)
