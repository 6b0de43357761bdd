#!/usr/bin/env bash
# Create .venv (if missing) and install the project from the lock file:
#   bootstrap.sh        requirements/run.lock   (./run.sh)
#   bootstrap.sh test   requirements/test.lock  (./test.sh: also the test tools)
# The lock pins every package to the versions CI tested; refresh it with scripts/lock.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
lock="requirements/${extras:-run}.lock"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
stamp=".venv/.installed-$(cat "$lock" pyproject.toml | sha256sum | cut -c1-16)-${extras:-run}"
if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r "$lock"
    .venv/bin/python -m pip install --quiet --no-deps -e .
    touch "$stamp"
fi
