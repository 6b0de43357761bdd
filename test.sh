#!/usr/bin/env bash
# Install into .venv (with test tools and, as root, Debian's Chromium), lint, and run every test.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/bootstrap.sh test
bash scripts/install-browser.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
