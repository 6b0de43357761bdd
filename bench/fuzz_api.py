"""A long schemathesis run over the whole API, admin routes included (not a test: it prints).

    .venv/bin/python bench/fuzz_api.py [--examples 300] [--seed N] [--postgres URL]

Starts the service over the demo content (SQLite, or PostgreSQL with ``--postgres``; rate
limits off) on 127.0.0.1, runs
schemathesis's examples, coverage and fuzzing phases with the checks of the suite's bounded
run (tests/defence/test_fuzz.py): no 5xx, every answer of the documented content type and
schema. Prints schemathesis's report; exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from szmqa.demo import write_demo  # noqa: E402
from tests.conftest import DEMO_TODAY, LiveServer  # noqa: E402
from tests.defence.fuzzing import fuzz_app, run_schemathesis  # noqa: E402
from tests.migrations.databases import postgres_schema  # noqa: E402


def main() -> int:
    """Run the long fuzz and print its report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300, help="examples per operation")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=None,
        help="run on PostgreSQL, in a private schema of this database (e.g. "
        "postgresql+psycopg://postgres@127.0.0.1:5432/test) instead of SQLite",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        base = Path(folder)
        url = stack.enter_context(postgres_schema(args.postgres)) if args.postgres else None
        app, token = fuzz_app(base, write_demo(base / "demo", DEMO_TODAY), url)
        with LiveServer(app) as server:
            result = run_schemathesis(server.url, token, examples=args.examples, seed=args.seed)
    print(result.stdout)
    print(result.stderr, file=sys.stderr)
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
