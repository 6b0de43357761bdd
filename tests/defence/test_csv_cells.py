"""Exports are safe to open in a spreadsheet: no cell starts a formula, whatever was typed."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import CULTURE, Apps
from vote_api.core.csvcells import FORMULA_PREFIXES, safe_cell

PAYLOADS = {
    "=": '=HYPERLINK("http://evil.example","点此")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_csv_cells_each_formula_prefix_is_neutralised(prefix: str) -> None:
    cell = safe_cell(PAYLOADS[prefix])
    assert cell.startswith("'")
    assert cell[1:] == PAYLOADS[prefix]  # the text itself is kept, readable


def test_csv_cells_plain_text_numbers_and_dates_unchanged() -> None:
    assert safe_cell("重复投票") == "重复投票"
    assert safe_cell(12) == "12"
    assert safe_cell("2026-11-24T10:00:00+08:00") == "2026-11-24T10:00:00+08:00"
    assert safe_cell(None) == ""


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_csv_cells_votes_export_neutralises_the_invalidation_reason(
    make_env: Apps, prefix: str
) -> None:
    env = make_env()
    assert env.vote(CULTURE).status_code == 201
    headers = {"Authorization": f"Bearer {env.admin_token()}"}
    reason = PAYLOADS[prefix]
    response = env.client.post(
        "/api/admin/votes/1/invalidate", json={"reason": reason}, headers=headers
    )
    assert response.status_code == 200, response.text
    export = env.client.get(f"/api/admin/ballots/{CULTURE}/votes.csv", headers=headers)
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0]["invalidated_reason"] == "'" + reason
    for row in rows:
        for value in row.values():
            assert not value.startswith(FORMULA_PREFIXES), value
