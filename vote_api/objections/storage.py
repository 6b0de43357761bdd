"""The folder of sealed evidence files: temporary names while uploading, final names after commit.

A file is written under ``.<name>.part`` while its request streams in, renamed to
``<name>.sealed`` only after the case is committed, and removed on any failure, so a failed
request leaves neither a file nor a case. ``sweep`` removes what a crashed process left.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

PART_SUFFIX = ".part"
FINAL_SUFFIX = ".sealed"


def new_storage_name() -> str:
    """A random, server-generated name (nothing of the upload's own name)."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class UploadStore:
    """Paths of sealed files in one folder (created private to the service's user)."""

    root: Path

    def ensure(self) -> None:
        """Create the folder (mode 0700) if missing."""
        self.root.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(self.root, 0o700)

    def temp_path(self, storage_name: str) -> Path:
        """Where a file is written while its request is still streaming."""
        return self.root / f".{storage_name}{PART_SUFFIX}"

    def final_path(self, storage_name: str) -> Path:
        """Where a file lives once its case is committed."""
        return self.root / f"{storage_name}{FINAL_SUFFIX}"

    def promote(self, storage_name: str) -> None:
        """Rename a finished temporary file to its final name (atomic within the folder)."""
        os.replace(self.temp_path(storage_name), self.final_path(storage_name))

    def discard(self, storage_name: str) -> None:
        """Remove a file under either name, if present."""
        for path in (self.temp_path(storage_name), self.final_path(storage_name)):
            path.unlink(missing_ok=True)

    def sweep(self, known: set[str], *, older_than_seconds: float = 86_400) -> int:
        """Remove stale temporary files and final files no case refers to; return how many."""
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - older_than_seconds
        removed = 0
        for path in self.root.iterdir():
            if not path.is_file():
                continue
            name = path.name
            if name.endswith(PART_SUFFIX):
                stale = True
            elif name.endswith(FINAL_SUFFIX):
                stale = name.removesuffix(FINAL_SUFFIX) not in known
            else:
                continue
            try:
                if stale and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed
