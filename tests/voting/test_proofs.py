"""Voter proof methods: one registry by the year file's names, each method behind one interface."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from award.models import VoterProof
from tests.content_files import valid_year, write_content
from tests.factories import CULTURE, ROOT, Env
from vote_api.core.parts import part
from vote_api.voting.deps import voting_of
from vote_api.voting.proofs import METHODS
from vote_api.voting.proofs.device import DeviceProof
from vote_api.voting.proofs.phone.method import PhoneProof


def test_proofs_every_name_a_year_file_may_give_has_one_registered_method(env: Env) -> None:
    assert sorted(method.name for method in METHODS) == sorted(VoterProof)
    proofs = voting_of(env.app).proofs
    for name in VoterProof:
        method = proofs[name]
        assert method.name is name and method.label == name.label
    assert proofs.of(PhoneProof) is part(env.app, PhoneProof)
    assert voting_of(env.app).device is proofs[VoterProof.DEVICE] is part(env.app, DeviceProof)


def test_proofs_a_method_s_routes_are_served_and_documented(env: Env) -> None:
    paths = set(env.client.get("/api/openapi.json").json()["paths"])
    for method in METHODS:
        for route in method.router.routes if method.router else ():
            assert f"/api{route.path}" in paths  # type: ignore[attr-defined]


def szmqa_check(tmp_path: Path, year: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    """``szmqa check`` of content holding one year file."""
    docs = write_content(tmp_path / "docs", year)
    return subprocess.run(
        [sys.executable, "-m", "szmqa", "check", "--docs", str(docs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_proofs_szmqa_check_names_the_registered_methods_for_an_unknown_one(
    tmp_path: Path,
) -> None:
    year = valid_year()
    year["ballots"][0]["identity"] = "weixin"
    result = szmqa_check(tmp_path, year)
    assert result.returncode == 1
    assert "weixin" in result.stdout + result.stderr
    for name in VoterProof:
        assert f"'{name.value}'" in result.stdout + result.stderr


def test_proofs_szmqa_check_accepts_a_wechat_ballot(tmp_path: Path) -> None:
    year = valid_year()
    year["ballots"][0]["identity"] = "wechat"
    result = szmqa_check(tmp_path, year)
    assert result.returncode == 0, result.stdout + result.stderr


def test_proofs_the_ballot_tells_the_page_its_method(env: Env) -> None:
    rule = env.ballot(CULTURE)["rule"]
    assert rule["identity"] == VoterProof.DEVICE.value
    assert rule["identity_text"] == VoterProof.DEVICE.label
