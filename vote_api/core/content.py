"""The award content the service serves, reloaded when the published content changes.

Each worker process holds its own ``ContentHolder``. At most once per ``interval`` seconds a
request looks at the content's version: the resolved content folders (``szmqa publish`` swaps
the ``current`` link, so a publish changes them) and the names, sizes and times of their files
(an edit in place changes those). A new version is loaded in a background thread while
requests keep being served from the content they had; only content that passes every rule
replaces it. Content that fails is logged, line by line, and the last good content stays.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from award.content import NOTICES_FOLDER, YEARS_FOLDER, Content, load_content
from award.problems import ContentError

T = TypeVar("T")
log = logging.getLogger("vote_api.content")
#: uvicorn's exit status for a worker that could not start: its supervisor then stops all
#: workers instead of restarting them forever (uvicorn.config.STARTUP_FAILURE).
STARTUP_FAILURE = 3
#: How often (seconds) a worker looks for a new content version.
CHECK_INTERVAL = 1.0


def content_version(roots: Sequence[Path]) -> str:
    """A digest of where the content folders point and of their files' names, sizes and times."""
    digest = hashlib.sha256()
    for root in roots:
        digest.update(os.path.realpath(root).encode() + b"\0")
        for folder in (YEARS_FOLDER, NOTICES_FOLDER):
            try:
                entries = sorted(os.scandir(root / folder), key=lambda entry: entry.name)
            except OSError:
                continue
            for entry in entries:
                with_stat = entry.stat()
                digest.update(
                    f"{entry.name}:{with_stat.st_size}:{with_stat.st_mtime_ns}\0".encode()
                )
    return digest.hexdigest()


class ContentHolder:
    """The current good content of one worker, with the version it was loaded from."""

    def __init__(
        self,
        roots: Sequence[Path],
        *,
        allow_demo: bool,
        interval: float = CHECK_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Load the content now; raise ContentError (every problem) if it breaks any rule."""
        self.roots = list(roots)
        self.allow_demo = allow_demo
        self.interval = interval
        self._clock = clock
        self.version = content_version(self.roots)
        self._content = load_content(self.roots, allow_demo=allow_demo)
        self.generation = 0
        self._refused_version: str | None = None
        self._next_check = clock() + interval
        self._reloading = threading.Lock()
        self._derived: dict[Callable[..., Any], tuple[int, Any]] = {}

    @property
    def content(self) -> Content:
        """The current content (a cheap version check at most once per interval)."""
        now = self._clock()
        if now >= self._next_check:
            self._next_check = now + self.interval
            self._start_reload_if_changed()
        return self._content

    def derived(self, build: Callable[[Content], T]) -> T:
        """``build(content)``, computed once per content version (e.g. the ballot catalog)."""
        content = self.content
        generation = self.generation
        cached = self._derived.get(build)
        if cached is None or cached[0] != generation:
            cached = (generation, build(content))
            self._derived[build] = cached
        return cached[1]

    def _start_reload_if_changed(self) -> None:
        version = content_version(self.roots)
        if version in (self.version, self._refused_version):
            return
        if not self._reloading.acquire(blocking=False):
            return  # a reload is already running
        threading.Thread(target=self._reload, args=(version,), daemon=True).start()

    def reload(self) -> bool:
        """Load the content now if its version changed; whether new content is being served."""
        version = content_version(self.roots)
        if version == self.version:
            return False
        with self._reloading:
            return self._load(version)

    def _reload(self, version: str) -> None:
        try:
            self._load(version)
        finally:
            self._reloading.release()

    def _load(self, version: str) -> bool:
        try:
            content = load_content(self.roots, allow_demo=self.allow_demo)
        except ContentError as error:
            self._refused_version = version
            log.error("新内容未通过检查，继续使用上一版本的内容：\n%s", error)
            return False
        except Exception:  # never let a bad file take the service down
            self._refused_version = version
            log.exception("新内容无法读取，继续使用上一版本的内容")
            return False
        self._content = content
        self.version = version
        self.generation += 1
        log.info(
            "已载入新内容：%d 个年度文件，%d 个通知（版本 %s）",
            len(content.years),
            len(content.notices),
            version[:12],
        )
        return True


def refuse_to_start(error: ContentError) -> None:
    """Print why the service cannot start (the check's lines, no traceback); exit as a start failure."""
    print("服务未启动：内容检查未通过。", file=sys.stderr)
    print(error, file=sys.stderr)
    print(
        "请修正后用 szmqa check 检查；经 szmqa publish 发布的内容不会出现这种情况。",
        file=sys.stderr,
    )
    raise SystemExit(STARTUP_FAILURE)
