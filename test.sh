#!/usr/bin/env bash
# Install into .venv (with test tools and, as root, Debian's Chromium), lint, type-check, and run
# every test.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/bootstrap.sh test
bash scripts/install-browser.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy  # award, vote_api, szmqa, site_plugins: see [tool.mypy] in pyproject.toml
# One pytest worker per core (at most 4), each test file on one worker; "-n 0" runs in one process.
cores=$(nproc 2>/dev/null || echo 1)
exec .venv/bin/python -m pytest -n "$((cores < 4 ? cores : 4))" --dist loadfile "$@"
