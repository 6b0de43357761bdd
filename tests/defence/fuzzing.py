"""What the fuzz test and bench/fuzz_api.py share: the app under test and one schemathesis run.

The run is schemathesis's own command line (its examples, coverage and fuzzing phases: the
coverage phase sends the boundary values, such as integers one past a documented range)
against the service over real HTTP, with an admin token on every request.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from tests.factories import NOW, ROOT, Clock, build_app, make_settings
from vote_api.core.auth import create_token
from vote_api.core.state import core_state

#: No 5xx; every answer has the documented content type and, where documented, schema.
FUZZ_CHECKS = ("not_a_server_error", "content_type_conformance", "response_schema_conformance")
PHASES = "examples,coverage,fuzzing"


def fuzz_app(
    folder: Path, demo_dir: Path, database_url: str | None = None, **overrides: Any
) -> tuple[FastAPI, str]:
    """The service over the demo content (SQLite unless given), rate limits off, an admin token;
    ``overrides`` are further settings."""
    settings = make_settings(
        folder,
        demo_dir,
        database_url=database_url or f"sqlite:///{folder}/fuzz.db",
        ratelimit_enabled=False,
        **overrides,
    )
    app = build_app(settings, Clock(NOW))
    with core_state(app).db.session() as session:
        token = create_token(session, "fuzz", NOW)
    return app, token


def run_schemathesis(
    base_url: str, token: str, *, examples: int, seed: int | None = None, workers: int = 1
) -> subprocess.CompletedProcess[str]:
    """Run schemathesis over every operation of the service at ``base_url``; return the process."""
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{base_url}/api/openapi.json",
        "--header", f"Authorization: Bearer {token}",
        "--checks", ",".join(FUZZ_CHECKS),
        "--phases", PHASES,
        "--max-examples", str(examples),
        "--workers", str(workers),
        "--generation-database", "none",
        "--suppress-health-check", "all",
        "--request-timeout", "30",
        "--no-color",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if seed is not None:
        command += ["--seed", str(seed)]
    with tempfile.TemporaryDirectory() as scratch:  # schemathesis keeps a cache in its cwd
        return subprocess.run(
            command, capture_output=True, text=True, check=False, cwd=scratch, env=env
        )
