"""The ballot logs' checkpoints and key, copied from the service's folder into the built site."""

from __future__ import annotations

import json
from pathlib import Path

from site_plugins.ballot_log import copy_checkpoints
from tests.factories import CULTURE, Apps
from vote_api.core.checkpoint import verify_checkpoint
from vote_api.voting.ballot_log.copies import FOLDER


def test_ballot_log_copies_reach_the_site_and_verify(make_env: Apps, tmp_path: Path) -> None:
    env = make_env()
    env.vote(CULTURE)
    listed = env.client.get(f"/api/ballots/{CULTURE}/checkpoints").json()
    source = env.settings.data_dir / FOLDER
    (source / "not a ballot").mkdir()  # anything the service did not write stays out
    (source / CULTURE / "notes.md").write_text("x", "utf-8")
    site = tmp_path / "site"
    copy_checkpoints(source, site)
    published = site / "ballot-log"
    key = (published / "key.txt").read_text("utf-8").strip()
    assert key == listed["verifier_key"]
    assert json.loads((published / "index.json").read_text("utf-8")) == {"ballots": {CULTURE: [1]}}
    note = (published / CULTURE / "1.txt").read_text("utf-8")
    assert note == listed["checkpoints"][0]["note"]
    assert verify_checkpoint(note, key).size == 1
    assert sorted(p.name for p in published.iterdir()) == [CULTURE, "index.json", "key.txt"]
    assert not (published / CULTURE / "notes.md").exists()


def test_ballot_log_copies_without_a_folder_publish_nothing(tmp_path: Path) -> None:
    copy_checkpoints(tmp_path / "missing", tmp_path / "site")
    assert not (tmp_path / "site" / "ballot-log").exists()
