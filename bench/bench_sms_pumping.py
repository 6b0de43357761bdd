"""SMS pumping as an attacker does it: prints how many SMS codes get sent in the attack.

Starts the real server (``bench/app.py``: the real app with a known captcha answer, SQLite,
in-process limits, the console SMS gateway, 127.0.0.1 trusted as a proxy) and runs, for
``--seconds`` (24 by default, the length of the attack that had 78 codes sent before the
limits were keyed on the /64), ``--clients`` concurrent attackers that each request solve a
captcha and ask for a code for a fresh number of a fresh 7-digit block, from:

- ``one /64``: a new interface id inside one IPv6 /64 every request;
- ``one /48``: a new /64 inside one IPv6 /48 every request (the per-network hourly limit,
  then the verified-share watch, stop it);
- ``one IPv4 /24``: a new address inside one /24 every request.

No code is ever typed back, as in SMS pumping, so the verified-share watch tightens the
limits once ``SZMQA_SMS_WATCH_MIN_SENT`` codes went unverified. Each scenario runs against a
fresh server. Run: ``.venv/bin/python bench/bench_sms_pumping.py``.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from award.calendar import today  # noqa: E402
from bench.app import IMAGE_ANSWER  # noqa: E402
from bench.bench_vote import base_env, start_server, stop_server  # noqa: E402
from szmqa.demo import write_demo  # noqa: E402

SEGMENTS = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "186", "189")


def one_64(index: int) -> str:
    """A new interface id inside 2001:db8:5:6::/64."""
    return f"2001:db8:5:6:{index >> 16 & 0xFFFF:x}:{index & 0xFFFF:x}:{random.getrandbits(16):x}:1"


def one_48(index: int) -> str:
    """A new /64 inside 2001:db8:7::/48."""
    return f"2001:db8:7:{index & 0xFFFF:x}::1"


def one_24(index: int) -> str:
    """A new address inside 198.51.100.0/24."""
    return f"198.51.100.{index % 254 + 1}"


SCENARIOS: dict[str, Callable[[int], str]] = {
    "one /64": one_64,
    "one /48": one_48,
    "one IPv4 /24": one_24,
}


def attack(
    url: str, ballot: str, address_of: Callable[[int], str], clients: int, seconds: float
) -> Counter[str]:
    """Run the attack; the outcomes of the code requests (``sent`` or the refusal's code)."""
    outcomes: Counter[str] = Counter()
    counter = itertools.count()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def attacker() -> None:
        with httpx.Client(base_url=url, timeout=10) as client:
            while time.monotonic() < deadline:
                index = next(counter)
                via = {"X-Forwarded-For": address_of(index)}
                captcha = client.post(
                    "/api/captchas", json={"purpose": "sms", "target": ballot}, headers=via
                )
                if captcha.status_code != 200:
                    with lock:
                        outcomes[f"captcha {captcha.status_code}"] += 1
                    continue
                phone = f"{random.choice(SEGMENTS)}{random.randrange(10**8):08d}"
                body = {
                    "ballot_id": ballot,
                    "phone": phone,
                    "captcha_id": captcha.json()["captcha_id"],
                    "captcha_answer": IMAGE_ANSWER,
                }
                answer = client.post("/api/phone/codes", json=body, headers=via)
                key = "sent" if answer.status_code == 200 else answer.json().get("code", "?")
                with lock:
                    outcomes[key] += 1

    threads = [threading.Thread(target=attacker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def main() -> None:
    """Run each scenario against a fresh server and print the codes sent."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=24.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    print(f"SMS pumping, {args.clients} concurrent attackers, {args.seconds:.0f} s per scenario")
    with tempfile.TemporaryDirectory(prefix="bench-sms-") as tmp:
        demo_dir = write_demo(Path(tmp) / "demo", today())
        for name, address_of in SCENARIOS.items():
            folder = Path(tmp) / name.replace(" ", "").replace("/", "-")
            env = base_env(demo_dir)
            env.update(
                SZMQA_DATABASE_URL=f"sqlite:///{folder}/szmqa.db",
                SZMQA_DATA_DIR=str(folder / "var"),
            )
            process, server = start_server(env, 1, Path(tmp) / "server.log")
            try:
                url = f"http://127.0.0.1:{server.port}"
                ballots = httpx.get(f"{url}/api/ballots").json()["ballots"]
                ballot = next(
                    b["id"]
                    for b in ballots
                    if b["state"] == "open" and b["rule"]["identity"] == "phone"
                )
                outcomes = attack(url, ballot, address_of, args.clients, args.seconds)
            finally:
                stop_server(process)
            refused = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()) if k != "sent")
            print(f"  {name:<14} SMS codes sent: {outcomes['sent']:4d}   refused: {refused}")


if __name__ == "__main__":
    main()
