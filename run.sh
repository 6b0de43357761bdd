#!/usr/bin/env bash
# Install into .venv, build the site (with the demo award year) and serve site + API
# at http://127.0.0.1:8000 from one process.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/bootstrap.sh
exec .venv/bin/szmqa serve --demo "$@"
