"""Schemathesis over the whole OpenAPI, admin routes included: no 5xx, answers as documented.

A bounded run (a few examples per operation) that fits in the suite; ``bench/fuzz_api.py``
runs the same checks with many more examples.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import LiveServer
from tests.vote.fuzzing import fuzz_app, run_schemathesis

#: Examples per operation in the suite (bench/fuzz_api.py runs hundreds).
SUITE_EXAMPLES = 10


def test_fuzz_every_operation_admin_included_answers_as_documented(
    tmp_path: Path, demo_dir: Path
) -> None:
    app, token = fuzz_app(tmp_path, demo_dir)
    paths = app.openapi()["paths"]
    operations = sum(len(methods) for methods in paths.values())
    assert "/api/admin/votes/{vote_id}/invalidate" in paths  # admin routes are in the document
    with LiveServer(app) as server:
        result = run_schemathesis(server.url, token, examples=SUITE_EXAMPLES, seed=9)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-6000:]
    assert f"Tested: {operations}" in report  # every operation, the admin ones included
    assert "Coverage" in report and "Fuzzing" in report
    assert re.search(r"\d+ generated, \d+ passed", report)
