"""Solve rates of off-the-shelf attacks on the captchas, old (`captcha` package) and new.

Audio: the template-matching solver of tests/core/captcha/solver.py, built from the samples an
attacker has (the package's bundled English digits for the old audio, the repository's
shipped Mandarin samples for the new), plain and trying each sample at a grid of speeds
over the renderer's range. Image: the OCR package ddddocr, if installed (`.venv/bin/pip
install ddddocr`; it carries its model). Also CPU ms per challenge (process time) and the
audio's size and length.

Then the attacker's best tool (bench/captcha_attacks.py, needs the ``bench`` extra:
scikit-learn): models trained on challenges rendered by the service's own renderers, one for
the Mandarin audio (MFCC features, an SVM) and one for the images (characters split by their
inked columns, an SVM); their solve rates on fresh renderings and on live challenges issued
by the service, each checked by casting a real vote with the answer read. A table at the end.

Run: .venv/bin/python bench/bench_captcha_solvers.py [--count 50] [--ocr-count 100]
     [--train-audio 3000] [--train-image 500] [--live 60]
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.core.captcha.solver import (  # noqa: E402
    TemplateSolver,
    captcha_package_solver,
    decode_wav,
    shipped_solver,
)
from vote_api.core.captcha.alphabet import ANSWER_LENGTH, AUDIO_ALPHABET, IMAGE_ALPHABET  # noqa: E402
from vote_api.core.captcha.audio import render_audio  # noqa: E402
from vote_api.core.captcha.image import render_image  # noqa: E402

#: The alphabet and image size the service used before (vote_api/captcha.py, rendering.py).
OLD_IMAGE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
OLD_IMAGE_SIZE = (180, 64)

Renderer = Callable[[str, random.Random], bytes]


def old_audio(answer: str, rng: random.Random) -> bytes:
    """The `captcha` package's audio (its own English digit recordings)."""
    from captcha.audio import AudioCaptcha

    return bytes(AudioCaptcha().generate(answer))


def old_image(answer: str, rng: random.Random) -> bytes:
    """The `captcha` package's image at the size the service used."""
    from captcha.image import ImageCaptcha

    out = io.BytesIO()
    ImageCaptcha(*OLD_IMAGE_SIZE).generate_image(answer).save(out, format="png")
    return out.getvalue()


def new_audio(answer: str, rng: random.Random) -> bytes:
    return render_audio(answer, rng)[1]


def new_image(answer: str, rng: random.Random) -> bytes:
    return render_image(answer, rng)[1]


def answers(alphabet: str, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(ANSWER_LENGTH)) for _ in range(count)]


def cpu_ms(render: Renderer, alphabet: str, count: int) -> float:
    """Mean process time per rendering, in ms."""
    rng = random.Random(0)
    batch = answers(alphabet, count, 1)
    render(batch[0], rng)  # load samples and fonts first
    start = time.process_time()
    for answer in batch:
        render(answer, rng)
    return (time.process_time() - start) * 1000 / count


def audio_rates(render: Renderer, solver: TemplateSolver, count: int) -> tuple[float, float]:
    """Share of challenges solved whole, and of digits read in place."""
    rng = random.Random(2)
    whole = digits = 0
    for answer in answers(AUDIO_ALPHABET, count, 3):
        signal, _ = decode_wav(render(answer, rng))
        read = solver.solve(signal, len(answer))
        whole += read == answer
        digits += sum(a == b for a, b in zip(read, answer, strict=False))
    return whole / count, digits / (count * ANSWER_LENGTH)


def image_rate(render: Renderer, alphabet: str, count: int) -> float | None:
    """Share of images ddddocr reads right (ignoring case), or None without it.

    Its `set_ranges` (limiting the output to the alphabet) read fewer right, so it is unused.
    """
    try:
        import ddddocr
    except ImportError:
        return None
    ocr = ddddocr.DdddOcr(show_ad=False)
    rng = random.Random(4)
    solved = 0
    for answer in answers(alphabet, count, 5):
        read = ocr.classification(render(answer, rng))
        solved += "".join(read.split()).upper() == answer
    return solved / count


def audio_size(name: str, render: Renderer, count: int) -> None:
    """Mean and largest size and length of `count` renderings."""
    rng = random.Random(6)
    sizes, seconds = [], []
    for answer in answers(AUDIO_ALPHABET, count, 7):
        data = render(answer, rng)
        signal, rate = decode_wav(data)
        sizes.append(len(data))
        seconds.append(len(signal) / rate)
    print(
        f"{name}: {statistics.mean(sizes) / 1024:.1f} KiB mean, {max(sizes) / 1024:.1f} KiB max;"
        f" {statistics.mean(seconds):.2f} s mean, {max(seconds):.2f} s max ({count} challenges)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="challenges per audio figure")
    parser.add_argument("--ocr-count", type=int, default=100, help="images per OCR figure")
    parser.add_argument(
        "--train-audio", type=int, default=3000, help="audio challenges to train on"
    )
    parser.add_argument("--train-image", type=int, default=500, help="images to train on")
    parser.add_argument("--live", type=int, default=60, help="live challenges per trained model")
    args = parser.parse_args()

    print("CPU ms per challenge (process time):")
    for name, render, alphabet, count in [
        ("old audio", old_audio, AUDIO_ALPHABET, 20),
        ("new audio", new_audio, AUDIO_ALPHABET, 200),
        ("old image", old_image, OLD_IMAGE_ALPHABET, 200),
        ("new image", new_image, IMAGE_ALPHABET, 200),
    ]:
        print(f"  {name}: {cpu_ms(render, alphabet, count):.1f} ms")
    audio_size("old audio", old_audio, 20)
    audio_size("new audio", new_audio, 200)

    print(f"Audio, template matching, {args.count} challenges (whole answer / digits in place):")
    for name, render, solver in [
        ("old, plain", old_audio, captcha_package_solver()),
        ("old, speeds 0.90-1.20", old_audio, captcha_package_solver(np.arange(0.9, 1.2001, 0.01))),
        ("new, plain", new_audio, shipped_solver()),
        ("new, speeds 0.78-1.28", new_audio, shipped_solver(np.arange(0.78, 1.2801, 0.02))),
    ]:
        whole, digits = audio_rates(render, solver, args.count)
        print(f"  {name}: {whole:.0%} solved, {digits:.0%} of digits")

    print(f"Image, OCR (ddddocr; answers compared ignoring case), {args.ocr_count} images:")
    for name, render, alphabet in [
        ("old", old_image, OLD_IMAGE_ALPHABET),
        ("new", new_image, IMAGE_ALPHABET),
    ]:
        rate = image_rate(render, alphabet, args.ocr_count)
        print(f"  {name}: " + ("ddddocr not installed" if rate is None else f"{rate:.0%} solved"))
    trained_models(args)


def trained_models(args: argparse.Namespace) -> None:
    """Train on the renderers, then solve fresh renderings and live challenges; print a table."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("Trained models: scikit-learn not installed (.venv/bin/pip install '.[bench]')")
        return
    from bench.captcha_attacks import live_rate, train

    rows = []
    attacks = {}
    for kind, count, render, alphabet in [
        ("audio", args.train_audio, new_audio, AUDIO_ALPHABET),
        ("image", args.train_image, new_image, IMAGE_ALPHABET),
    ]:
        started = time.process_time()
        attack = attacks[kind] = train(kind, kind, count)
        seconds = time.process_time() - started
        rng = random.Random(21)
        fresh = answers(alphabet, args.count, 22)
        solved = sum(attack.read(render(answer, rng)) == answer for answer in fresh)
        rows.append((kind, count, seconds, solved, len(fresh)))
    live = live_rate(attacks, args.live)
    print(
        "\nTrained models (the attacker renders labelled challenges with this repository's code):"
    )
    print(
        "| captcha | trained on | training CPU | fresh renderings solved | live challenges, vote accepted |"
    )
    print("| --- | --- | --- | --- | --- |")
    for kind, count, seconds, solved, total in rows:
        accepted, issued = live[kind]
        print(
            f"| {kind} | {count} challenges | {seconds:.0f} s | {solved}/{total} ({solved / total:.0%})"
            f" | {accepted}/{issued} ({accepted / issued:.0%}) |"
        )


if __name__ == "__main__":
    main()
