"""An attacker's audio captcha solver: match known voice samples against the signal.

Built from the samples an attacker can read (the repository's shipped voice, or the
`captcha` package's bundled recordings), it slides each one over the challenge, scoring
normalised cross-correlation at every offset, and reads the best-scoring, non-overlapping
matches in time order. With `speeds` it also tries each sample resampled to those speeds.
Used by tests/core/captcha/test_audio.py and bench/bench_captcha_solvers.py.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


def decode_wav(data: bytes) -> tuple[np.ndarray, int]:
    """A mono 8- or 16-bit WAV as a float signal and its sample rate."""
    with wave.open(io.BytesIO(data), "rb") as source:
        width = source.getsampwidth()
        rate = source.getframerate()
        frames = source.readframes(source.getnframes())
    if width == 1:
        signal = np.frombuffer(frames, dtype=np.uint8).astype(np.float64) - 128.0
    else:
        signal = np.frombuffer(frames, dtype="<i2").astype(np.float64)
    return signal, rate


def resample(signal: np.ndarray, speed: float) -> np.ndarray:
    """`signal` played `speed` times as fast (linear interpolation)."""
    length = max(2, int(len(signal) / speed))
    return np.interp(np.linspace(0, len(signal) - 1, length), np.arange(len(signal)), signal)


@dataclass(frozen=True)
class Template:
    """One known recording of a character."""

    label: str
    signal: np.ndarray


class TemplateSolver:
    """Reads a challenge by normalised cross-correlation against known recordings."""

    def __init__(self, templates: Iterable[Template], speeds: Sequence[float] = (1.0,)):
        self.templates = [
            Template(t.label, resample(t.signal, speed) if speed != 1.0 else t.signal)
            for t in templates
            for speed in speeds
        ]
        self._cache: dict[int, list[tuple[np.ndarray, float, int]]] = {}

    @classmethod
    def from_samples(
        cls, samples: Mapping[str, Sequence[np.ndarray]], speeds: Sequence[float] = (1.0,)
    ) -> TemplateSolver:
        """A solver from recordings per character."""
        templates = [
            Template(label, np.asarray(s, float)) for label, ss in samples.items() for s in ss
        ]
        return cls(templates, speeds)

    def _spectra(self, size: int) -> list[tuple[np.ndarray, float, int]]:
        """Each template's conjugate spectrum at FFT size `size`, its norm and its length."""
        if size not in self._cache:
            entries = []
            for template in self.templates:
                centred = template.signal - template.signal.mean()
                norm = float(np.sqrt((centred * centred).sum()))
                entries.append((np.conj(np.fft.rfft(centred, size)), norm, len(centred)))
            self._cache[size] = entries
        return self._cache[size]

    def scores(self, signal: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per offset: the best score, which template gave it, and that template's length."""
        n = len(signal)
        best = np.full(n, -1.0)
        which = np.zeros(n, dtype=int)
        longest = max(len(t.signal) for t in self.templates)
        size = 1 << int(np.ceil(np.log2(n + longest)))
        spectrum = np.fft.rfft(signal, size)
        cumulative = np.concatenate(([0.0], np.cumsum(signal)))
        cumulative_sq = np.concatenate(([0.0], np.cumsum(signal * signal)))
        for index, (conjugate, norm, length) in enumerate(self._spectra(size)):
            if length > n:
                continue
            correlation = np.fft.irfft(spectrum * conjugate, size)[: n - length + 1]
            window_sum = cumulative[length:] - cumulative[:-length]
            window_sq = cumulative_sq[length:] - cumulative_sq[:-length]
            energy = np.sqrt(np.maximum(window_sq - window_sum * window_sum / length, 1e-9))
            score = correlation / (norm * energy)
            head = best[: len(score)]
            better = score > head
            head[better] = score[better]
            which[: len(score)][better] = index
        lengths = np.array([len(t.signal) for t in self.templates])[which]
        return best, which, lengths

    def solve(self, signal: np.ndarray, count: int) -> str:
        """The `count` characters read from `signal`: best matches that do not overlap."""
        best, which, lengths = self.scores(signal)
        taken = np.zeros(len(best), dtype=bool)
        found: list[tuple[int, str]] = []
        for offset in np.argsort(best)[::-1]:
            if len(found) == count:
                break
            if taken[offset] or best[offset] <= 0:
                continue
            half = int(lengths[offset] * 0.8)
            taken[max(0, offset - half) : offset + half] = True
            found.append((int(offset), self.templates[which[offset]].label))
        return "".join(label for _, label in sorted(found))


def shipped_solver(speeds: Sequence[float] = (1.0,)) -> TemplateSolver:
    """The solver built from the repository's own Mandarin voice samples."""
    from vote_api.core.captcha.audio import voice_samples

    return TemplateSolver.from_samples(voice_samples(), speeds)


def captcha_package_solver(speeds: Sequence[float] = (1.0,)) -> TemplateSolver:
    """The solver built from the `captcha` package's bundled digit recordings."""
    import captcha.audio

    data = Path(captcha.audio.DATA_DIR)
    samples = {
        digit: [
            decode_wav((data / digit / name).read_bytes())[0]
            for name in sorted(p.name for p in (data / digit).glob("*.wav"))
        ]
        for digit in "0123456789"
    }
    return TemplateSolver.from_samples(samples, speeds)
