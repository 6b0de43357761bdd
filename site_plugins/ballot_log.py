"""The ballot logs' signed checkpoints and public key, copied into the built site.

The vote service keeps a copy of each checkpoint it signs and its public key in a folder
(``SZMQA_BALLOT_LOG_DIR``); the site publishes them under ``ballot-log/`` with an index, so
every mirror of the site (and every release kept by ``szmqa publish``) holds the checkpoints
that existed when it was built: a later, different checkpoint of the same size is a split
view that ``szmqa audit-ballot`` reports.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

SITE_FOLDER = "ballot-log"
#: Only what the service writes: the key, and <ballot id>/<size>.txt.
BALLOT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
SIZE_FILE = re.compile(r"^[0-9]{1,10}\.txt$")


def copy_checkpoints(source: Path, site_dir: Path) -> None:
    """Copy the key and every checkpoint into ``site/ballot-log/``, with ``index.json``."""
    if not source.is_dir():
        return
    target = site_dir / SITE_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    index: dict[str, list[int]] = {}
    key = source / "key.txt"
    if key.is_file():
        shutil.copyfile(key, target / "key.txt")
    for folder in sorted(p for p in source.iterdir() if p.is_dir() and BALLOT.match(p.name)):
        sizes = sorted(int(f.stem) for f in folder.iterdir() if SIZE_FILE.match(f.name))
        for size in sizes:
            (target / folder.name).mkdir(exist_ok=True)
            shutil.copyfile(folder / f"{size}.txt", target / folder.name / f"{size}.txt")
        index[folder.name] = sizes
    (target / "index.json").write_text(
        json.dumps({"ballots": index}, ensure_ascii=False), encoding="utf-8"
    )
