"""Schemathesis over the whole OpenAPI, admin routes included: no 5xx, answers as documented.

A bounded run (a few examples per operation) that fits in the suite; ``bench/fuzz_api.py``
runs the same checks with many more examples.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.conftest import LiveServer
from tests.defence.fuzzing import fuzz_app, run_schemathesis
from tests.migrations.databases import postgres_schema

#: Examples per operation in the suite (bench/fuzz_api.py runs hundreds).
SUITE_EXAMPLES = 10


def fuzz_and_check(app: FastAPI, token: str, examples: int = SUITE_EXAMPLES, seed: int = 9) -> None:
    """Run a bounded schemathesis run against the app; fail with its report."""
    paths = app.openapi()["paths"]
    operations = sum(len(methods) for methods in paths.values())
    assert "/api/admin/votes/{vote_id}/invalidate" in paths  # admin routes are in the document
    with LiveServer(app) as server:
        result = run_schemathesis(server.url, token, examples=examples, seed=seed)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-6000:]
    assert f"Tested: {operations}" in report  # every operation, the admin ones included
    assert "Coverage" in report and "Fuzzing" in report
    assert re.search(r"\d+ generated, \d+ passed", report)


def test_fuzz_every_operation_admin_included_answers_as_documented(
    tmp_path: Path, demo_dir: Path
) -> None:
    fuzz_and_check(*fuzz_app(tmp_path, demo_dir))


@pytest.mark.services
def test_fuzz_on_postgresql_no_input_reaches_it_as_a_500(
    tmp_path: Path, demo_dir: Path, postgres_url: str
) -> None:
    # PostgreSQL refuses what SQLite takes (a NUL in text, integers past 32 bits).
    with postgres_schema(postgres_url) as url:
        # 30 examples with this seed send a NUL in a query string (a 500 before NulGuard).
        fuzz_and_check(*fuzz_app(tmp_path, demo_dir, url), examples=30, seed=3)
