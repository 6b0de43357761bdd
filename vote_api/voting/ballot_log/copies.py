"""Copies of the signed checkpoints and the public key as files, for the published site.

The service writes ``<data_dir>/ballot-log/key.txt`` and, for each checkpoint it signs,
``<data_dir>/ballot-log/<ballot>/<size>.txt``; every site build (``SZMQA_BALLOT_LOG_DIR``)
copies the folder into the site's ``ballot-log/``, so each mirror keeps the checkpoints it
was given. Files are written whole under a temporary name and renamed into place.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

FOLDER = "ballot-log"
KEY_FILE = "key.txt"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def write_key(folder: Path, verifier_key: str) -> None:
    """Publish the verifier key (unless the same one is there already)."""
    path = folder / KEY_FILE
    if not path.exists() or path.read_text(encoding="utf-8").strip() != verifier_key:
        _write(path, verifier_key + "\n")


def write_checkpoint(folder: Path, ballot_id: str, size: int, note: str) -> None:
    """Keep a signed checkpoint as ``<ballot>/<size>.txt``."""
    _write(folder / ballot_id / f"{size}.txt", note)
