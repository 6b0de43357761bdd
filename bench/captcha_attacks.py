"""The attacker's best tools against the built-in captcha: models trained on its own renderers.

The renderers are public (this repository), so an attacker renders as many labelled
challenges as they like and trains on them. Audio: the digits stand out of the babble bed
by their energy, so a challenge splits into its five digits; each digit becomes MFCC
features (log mel bands, cosine transform, resampled to a fixed number of frames) for an
RBF support vector machine. Image: the characters never touch (by design, for people), so
the inked column runs split an image into its characters; each becomes a small binary
picture for the same kind of classifier. Needs scikit-learn (the ``bench`` extra).
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image

from tests.core.captcha.solver import decode_wav
from vote_api.core.captcha.alphabet import ANSWER_LENGTH, AUDIO_ALPHABET, IMAGE_ALPHABET
from vote_api.core.captcha.audio import SAMPLE_RATE, render_audio
from vote_api.core.captcha.image import render_image

FRAME, HOP = 200, 80  # 25 ms frames every 10 ms
MEL_BANDS, CEPSTRA, FRAMES = 24, 13, 12
GLYPH_SIZE = 20


def _mel_filters() -> np.ndarray:
    """Triangular mel filters over the spectrum of a frame."""

    def mel(hz: np.ndarray) -> np.ndarray:
        return 2595 * np.log10(1 + hz / 700)

    def hz(m: np.ndarray) -> np.ndarray:
        return 700 * (10 ** (m / 2595) - 1)

    bins = FRAME // 2 + 1
    edges = hz(np.linspace(mel(np.array(100.0)), mel(np.array(SAMPLE_RATE / 2)), MEL_BANDS + 2))
    centres = np.floor(edges / (SAMPLE_RATE / 2) * (bins - 1)).astype(int)
    filters = np.zeros((MEL_BANDS, bins))
    for band in range(MEL_BANDS):
        left, mid, right = centres[band : band + 3]
        filters[band, left : mid + 1] = np.linspace(0, 1, mid - left + 1)
        filters[band, mid : right + 1] = np.linspace(1, 0, right - mid + 1)
    return filters


_FILTERS = _mel_filters()
_DCT = np.cos(
    np.pi / MEL_BANDS * (np.arange(MEL_BANDS) + 0.5)[None, :] * np.arange(CEPSTRA)[:, None]
)


def _frames(signal: np.ndarray) -> np.ndarray:
    count = max(1, 1 + (len(signal) - FRAME) // HOP)
    padded = np.pad(signal, (0, max(0, FRAME - len(signal))))
    index = np.arange(FRAME)[None, :] + HOP * np.arange(count)[:, None]
    return padded[index] * np.hamming(FRAME)


def split_digits(signal: np.ndarray, count: int = ANSWER_LENGTH) -> list[np.ndarray]:
    """The ``count`` loudest stretches of speech, in time order (the digits over the babble)."""
    energy = np.sqrt((_frames(signal) ** 2).mean(axis=1))
    smooth = np.convolve(energy, np.ones(5) / 5, mode="same")
    loud = smooth > 0.45 * np.percentile(smooth, 98)
    runs: list[list[int]] = []
    for index, on in enumerate(loud):
        if on and runs and index - runs[-1][1] <= 8:  # closes gaps under 80 ms
            runs[-1][1] = index
        elif on:
            runs.append([index, index])
    strongest = sorted(runs, key=lambda run: -smooth[run[0] : run[1] + 1].sum())[:count]
    return [signal[a * HOP : b * HOP + FRAME] for a, b in sorted(strongest)]


def audio_features(segment: np.ndarray) -> np.ndarray:
    """MFCCs of a digit at a fixed number of frames, with their means and spreads."""
    spectrum = np.abs(np.fft.rfft(_frames(segment), axis=1)) ** 2
    cepstra = np.log(spectrum @ _FILTERS.T + 1e-8) @ _DCT.T
    steps = np.linspace(0, len(cepstra) - 1, FRAMES)
    fixed = np.stack(
        [np.interp(steps, np.arange(len(cepstra)), cepstra[:, c]) for c in range(CEPSTRA)], axis=1
    )
    return np.concatenate([fixed.ravel(), cepstra.mean(axis=0), cepstra.std(axis=0)])


def split_characters(png: bytes, count: int = ANSWER_LENGTH) -> list[np.ndarray]:
    """The characters of an image: the widest runs of inked columns, each cut to its ink."""
    image = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.float32)
    background = np.median(image)
    ink = (background - image) > 60  # the text is dark on a light background
    columns = ink.sum(axis=0) > 1
    runs: list[list[int]] = []
    for index, on in enumerate(columns):
        if on and runs and index - runs[-1][1] <= 1:
            runs[-1][1] = index
        elif on:
            runs.append([index, index])
    widest = sorted(runs, key=lambda run: -(ink[:, run[0] : run[1] + 1].sum()))[:count]
    glyphs = []
    for a, b in sorted(widest):
        cut = ink[:, a : b + 1]
        rows = np.flatnonzero(cut.any(axis=1))
        glyphs.append(cut[rows[0] : rows[-1] + 1] if len(rows) else cut)
    return glyphs


def image_features(glyph: np.ndarray) -> np.ndarray:
    """A character as a small grey picture plus its proportions."""
    small = Image.fromarray((glyph * 255).astype(np.uint8)).resize((GLYPH_SIZE, GLYPH_SIZE))
    height, width = glyph.shape
    return np.concatenate([np.asarray(small, dtype=np.float32).ravel() / 255, [width / height]])


@dataclass
class Attack:
    """A trained model: splits a challenge into characters and reads each."""

    name: str
    split: Callable[[bytes], list[np.ndarray]]
    features: Callable[[np.ndarray], np.ndarray]
    model: object

    def read(self, data: bytes) -> str:
        """The answer the model reads."""
        parts = self.split(data)
        if not parts:
            return ""
        return "".join(self.model.predict(np.stack([self.features(p) for p in parts])))  # type: ignore[attr-defined]


def _audio_split(data: bytes) -> list[np.ndarray]:
    return split_digits(decode_wav(data)[0])


def _labelled(
    render: Callable[[str, random.Random], bytes],
    split: Callable[[bytes], list[np.ndarray]],
    features: Callable[[np.ndarray], np.ndarray],
    alphabet: str,
    count: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of every character of ``count`` rendered challenges that split right."""
    rng = random.Random(seed)
    rows, labels = [], []
    for _ in range(count):
        answer = "".join(rng.choice(alphabet) for _ in range(ANSWER_LENGTH))
        parts = split(render(answer, rng))
        if len(parts) == len(answer):
            rows += [features(part) for part in parts]
            labels += list(answer)
    return np.stack(rows), np.array(labels)


def train(name: str, kind: str, count: int, seed: int = 11) -> Attack:
    """A model trained on ``count`` challenges rendered by the service's own renderer."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    if kind == "audio":
        render = lambda answer, rng: render_audio(answer, rng)[1]  # noqa: E731
        split, features, alphabet = _audio_split, audio_features, AUDIO_ALPHABET
    else:
        render = lambda answer, rng: render_image(answer, rng)[1]  # noqa: E731
        split, features, alphabet = split_characters, image_features, IMAGE_ALPHABET
    rows, labels = _labelled(render, split, features, alphabet, count, seed)
    model = make_pipeline(StandardScaler(), SVC(C=10, gamma="scale"))
    model.fit(rows, labels)
    return Attack(name, split, features, model)


def live_rate(attacks: dict[str, Attack], count: int) -> dict[str, tuple[int, int]]:
    """Challenges the service issues (its own random answers), solved by each attack and
    checked by casting a real vote with the answer read: (votes accepted, challenges)."""
    import tempfile
    from pathlib import Path

    from fastapi.testclient import TestClient

    from award.calendar import today
    from szmqa.demo import write_demo
    from vote_api.core.settings import Settings
    from vote_api.main import create_app

    with tempfile.TemporaryDirectory(prefix="bench-attack-") as tmp:
        root = Path(tmp)
        (root / "content").mkdir()
        settings = Settings(
            database_url=f"sqlite:///{root}/attack.db",
            content_dir=root / "content",
            demo_dir=write_demo(root / "demo", today()),
            data_dir=root / "var",
            trusted_proxies="127.0.0.1",
            ratelimit_enabled=False,
        )
        results: dict[str, tuple[int, int]] = {}
        with TestClient(create_app(settings), client=("127.0.0.1", 50000)) as client:
            ballots = client.get("/api/ballots").json()["ballots"]
            ballot = next(
                b for b in ballots if b["state"] == "open" and b["rule"]["identity"] == "device"
            )
            voter = 0
            for kind, attack in attacks.items():
                accepted = 0
                for _ in range(count):
                    voter += 1
                    client.cookies.clear()  # another voter
                    via = {"X-Forwarded-For": f"10.{voter // 250 % 250}.{voter % 250}.1"}
                    issued = client.post(
                        "/api/captchas",
                        json={"purpose": "vote", "target": ballot["id"], "kind": kind},
                        headers=via,
                    ).json()
                    import base64

                    answer = attack.read(base64.b64decode(issued["data"])) or "?"
                    vote = client.post(
                        f"/api/ballots/{ballot['id']}/votes",
                        json={
                            "captcha_id": issued["captcha_id"],
                            "captcha_answer": answer,
                            "candidates": [ballot["candidates"][0]["id"]],
                        },
                        headers=via,
                    )
                    accepted += vote.status_code == 201
                results[kind] = (accepted, count)
        return results
