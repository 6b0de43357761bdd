"""An objection flood as an attacker does it: prints the cases and evidence bytes that got stored.

Starts the real server (``bench/app.py``, SQLite, in-process limits, 127.0.0.1 trusted as a
proxy) and runs, for ``--seconds`` (5 by default, the length of the flood that stored 29 cases
and 61 MB before the limits were keyed on the /64), ``--clients`` concurrent attackers that
each request solve a captcha and file an objection with a ``--megabytes`` PDF, from a new
interface id inside one IPv6 /64, then from a new /64 inside one /48. Each scenario runs
against a fresh server. Run: ``.venv/bin/python bench/bench_objection_flood.py``.
"""

from __future__ import annotations

import argparse
import itertools
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

FORM = {
    "reason": "safety",
    "statement": "该申报单位在申报期内发生过安全生产事故，被应急管理部门处罚，不符合申报条件。" * 2,
    "reporter_kind": "individual",
    "name": "张三",
    "id_number": "11010519491231002X",
    "phone": "13912345678",
}

SCENARIOS: dict[str, Callable[[int], str]] = {
    "one /64": lambda i: f"2001:db8:5:6:{i >> 16 & 0xFFFF:x}:{i & 0xFFFF:x}::1",
    "one /48": lambda i: f"2001:db8:7:{i & 0xFFFF:x}::1",
}


def flood(
    url: str,
    notice: str,
    entrant: str,
    address_of: Callable[[int], str],
    pdf: bytes,
    args: argparse.Namespace,
) -> Counter[str]:
    """Run the flood; the outcomes of the filings (``stored`` or the refusal's code)."""
    outcomes: Counter[str] = Counter()
    counter = itertools.count()
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds

    def attacker() -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            while time.monotonic() < deadline:
                via = {"X-Forwarded-For": address_of(next(counter))}
                captcha = client.post(
                    "/api/captchas",
                    json={"purpose": "objection", "target": notice, "kind": "image"},
                    headers=via,
                )
                if captcha.status_code != 200:
                    with lock:
                        outcomes[f"captcha {captcha.status_code}"] += 1
                    continue
                form = {
                    **FORM,
                    "entrant": entrant,
                    "captcha_id": captcha.json()["captcha_id"],
                    "captcha_answer": IMAGE_ANSWER,
                }
                files = [("evidence", ("处罚决定书.pdf", pdf, "application/pdf"))]
                answer = client.post(
                    f"/api/notices/{notice}/objections", data=form, files=files, headers=via
                )
                key = "stored" if answer.status_code == 201 else answer.json().get("code", "?")
                with lock:
                    outcomes[key] += 1

    threads = [threading.Thread(target=attacker) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def main() -> None:
    """Run each scenario against a fresh server and print what got stored."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--megabytes", type=float, default=2.0)
    args = parser.parse_args()
    pdf = b"%PDF-1.4\n" + b"0" * int(args.megabytes * 1024 * 1024) + b"\n%%EOF\n"
    print(
        f"objection flood, {args.clients} attackers, {args.seconds:.0f} s, {args.megabytes} MB each"
    )
    with tempfile.TemporaryDirectory(prefix="bench-objection-") as tmp:
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
                notice = next((demo_dir / "notices").rglob("*publicity*")).stem
                info = httpx.get(f"{url}/api/notices/{notice}").json()
                outcomes = flood(url, notice, info["entrants"][0]["id"], address_of, pdf, args)
            finally:
                stop_server(process)
            stored = sum(p.stat().st_size for p in (folder / "var" / "objections").glob("*.sealed"))
            refused = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()) if k != "stored")
            print(
                f"  {name:<8} cases stored: {outcomes['stored']:3d}  evidence stored: "
                f"{stored / 1e6:5.1f} MB   refused: {refused}"
            )


if __name__ == "__main__":
    main()
