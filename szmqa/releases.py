"""The publish folder: versioned releases, the live link, what each release was built from.

Layout under the publish folder (``SZMQA_PUBLISH_DIR``, default ``var/publish``)::

    releases/<version>/site/          the built site
    releases/<version>/content/       the award years and notices (for the service)
    releases/<version>/source/        the site sources it was built from (for a later rebuild)
    releases/<version>/release.json   what it shows (key), from what, when, and its parent
    current -> releases/<version>     the live release: a symlink, replaced in one rename

The service reads ``current/site`` and ``current/content``; every request resolves the link
anew, so a reader gets either the old release or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from award.errors import AwardError

RELEASES = "releases"
CURRENT = "current"
INFO = "release.json"
#: Prefix of a release being built (a pre-receive hook's, promoted by post-receive).
PENDING = ".pending-"


@dataclass(frozen=True)
class ReleaseInfo:
    """What a release shows and where it came from."""

    #: Digest of everything a build shows: sources, code, settings, what is public that day.
    key: str
    #: Digest of the site sources alone: releases of the same sources differ only by date.
    sources: str
    #: The day (Asia/Shanghai) it was built as of.
    day: str
    site_url: str
    #: "push", "publish", "scheduled" or "install".
    made_by: str
    #: The git commit it was built from, if pushed.
    commit: str | None = None
    #: The release that was live when it was made (rollback follows this).
    parent: str | None = None

    def write(self, release: Path) -> None:
        """Store beside the release."""
        (release / INFO).write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")


def read_info(release: Path) -> ReleaseInfo | None:
    """A release's record, or None for a release made before records were kept."""
    try:
        return ReleaseInfo(**json.loads((release / INFO).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def releases(root: Path) -> list[Path]:
    """The finished releases, oldest first (names sort by time)."""
    folder = root / RELEASES
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def live_release(root: Path) -> Path | None:
    """The release the live link points to, if any."""
    link = root / CURRENT
    if not link.is_symlink():
        return None
    return (root / os.readlink(link)).resolve()


def switch_to(root: Path, release: Path) -> None:
    """Point the live link at a release in one atomic rename (a new symlink replaces the old)."""
    temporary = root / f".{CURRENT}-{os.getpid()}-{time.monotonic_ns()}"
    temporary.symlink_to(release.relative_to(root))
    os.replace(temporary, root / CURRENT)
    directory = os.open(root, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename survives a power cut
    finally:
        os.close(directory)


def prune(root: Path, keep: int, *, stale_after: float = 3600) -> list[Path]:
    """Remove all but the newest ``keep`` releases (never the live one) and stale pending builds."""
    live = live_release(root)
    removed = []
    kept = releases(root)
    for release in kept[: max(0, len(kept) - keep)]:
        if release.resolve() != live:
            shutil.rmtree(release)
            removed.append(release)
    for pending in (root / RELEASES).glob(f"{PENDING}*"):
        if time.time() - pending.stat().st_mtime > stale_after:  # a push refused after its build
            if pending.is_dir():
                shutil.rmtree(pending, ignore_errors=True)
            else:
                pending.unlink(missing_ok=True)
    return removed


@contextlib.contextmanager
def publish_lock(root: Path) -> Iterator[None]:
    """One switch at a time per publish folder (two pushes in a row wait for each other)."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def same_key(root: Path, key: str) -> Path | None:
    """A kept release that shows exactly this (the live one first), if any."""
    live = live_release(root)
    candidates = ([live] if live else []) + list(reversed(releases(root)))
    for release in candidates:
        info = read_info(release)
        if info is not None and info.key == key:
            return release
    return None


def rollback_target(root: Path) -> Path:
    """The release of the content before the live one: its parent, skipping same-source rebuilds."""
    live = live_release(root)
    if live is None:
        raise AwardError(f"{root} 中还没有正式网站，无法回退")
    info = read_info(live)
    if info is None:  # a release made before records: the one before it by name
        older = [r for r in releases(root) if r.name < live.name]
        if older:
            return older[-1]
        raise AwardError(f"{root} 中没有比当前版本更早的版本，无法回退")
    parent = info.parent
    while parent is not None:
        candidate = root / RELEASES / parent
        found = read_info(candidate) if candidate.is_dir() else None
        if found is None:
            break
        if found.sources != info.sources:
            return candidate
        parent = found.parent
    raise AwardError(
        f"{root} 中没有比当前版本更早的内容可回退（更早的版本可能已被清理；保留的版本数见 --keep）"
    )


def rollback(root: Path) -> Path:
    """Point the live link back at the content before the live one; it stays until the next push."""
    root = root.resolve()
    with publish_lock(root):
        target = rollback_target(root)
        switch_to(root, target)
        return target
