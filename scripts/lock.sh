#!/usr/bin/env bash
# Refresh the lock files from the version ranges in pyproject.toml (needs PyPI):
#   bash scripts/lock.sh
# requirements/test.lock pins everything ./test.sh installs; requirements/run.lock pins what
# ./run.sh installs, constrained to the same versions. Commit both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
[ -x .venv/bin/uv ] || .venv/bin/python -m pip install --quiet "uv>=0.5,<1"
compile() {
    .venv/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --quiet \
        --no-header --annotation-style line "$@"
}
compile --extra test -o requirements/test.lock
compile -c requirements/test.lock -o requirements/run.lock
