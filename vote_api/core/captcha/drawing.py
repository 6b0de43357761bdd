"""Drawing captcha images and audio in a separate process.

Drawing is CPU work (about 3 ms for an image, 250 ms for audio). Done on threads of the
server process it competes for the GIL with the event loop and the database thread, and
captcha issue collapsed under concurrency (measured: 108/s on threads, 157/s on one
thread, 287/s in a process, with one server worker). Images are drawn by up to two
processes per server process (one per core: one process was measured drawing 168 images a
second at a full core while the machine had a third of its CPU free; two drew 234), audio by
one more; they start on first use, and if one dies the next captcha starts a new one.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import gc
import logging
import multiprocessing
import os
import random
import signal
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

IMAGE_SIZE = (180, 64)
log = logging.getLogger("vote_api.core.captcha.drawing")
#: Layout, colours, speed, pitch and noise of each challenge (never the answer itself).
_RANDOM = random.SystemRandom()


def draw(kind: str, answer: str) -> tuple[str, str]:
    """The image (PNG) or audio (WAV, Mandarin digits varied per challenge) of an answer, base64."""
    if kind == "image":
        from vote_api.core.captcha.image import render_image

        media_type, data = render_image(answer, _RANDOM)
    else:
        from vote_api.core.captcha.audio import render_audio

        media_type, data = render_audio(answer, _RANDOM)
    return media_type, base64.b64encode(data).decode("ascii")


def warm_up() -> int:
    """In a drawing process: import the renderer and draw its glyphs, before any request."""
    from vote_api.core.captcha.image import warm_glyphs

    return warm_glyphs()


def draw_batch(kind: str, answers: list[str]) -> list[tuple[str, str]]:
    """Several drawings in one call (one round trip to the drawing process for all of them)."""
    return [draw(kind, answer) for answer in answers]


def _watch_parent(parent: int, niceness: int = 0) -> None:
    """In the drawing process: leave Ctrl+C to the server, and exit once the server is gone.

    A positive ``niceness`` lowers the process's CPU priority (audio yields to everything else).

    A pool's worker holds both ends of its task pipe, so it never sees the server die.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if niceness:
        os.nice(niceness)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class Drawing:
    """A process pool that draws captchas for this server process (a thread if it cannot)."""

    def __init__(self, niceness: int = 0, processes: int = 1) -> None:
        self._niceness = niceness
        self._processes = processes
        self._pool: Executor | None = None
        self._lock = threading.Lock()
        self._users = 0

    def _executor(self) -> Executor:
        with self._lock:
            if self._pool is None:
                # spawn, not fork: the server process has threads (database, thread pool).
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(
                    max_workers=self._processes,
                    mp_context=context,
                    initializer=_watch_parent,
                    initargs=(os.getpid(), self._niceness),
                )
                atexit.register(self.close)
            return self._pool

    def acquire(self) -> None:
        """An app starts using the drawing process (apps of one process share it)."""
        with self._lock:
            self._users += 1

    def release(self) -> None:
        """An app stops; the last one to stop stops the drawing process."""
        with self._lock:
            self._users = max(0, self._users - 1)
            last = self._users == 0
        if last:
            self.close()

    def close(self) -> None:
        """Stop the drawing process and let go of it (its semaphores are freed with it)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
            del pool
            gc.collect()  # the pool's queues sit in reference cycles: free their semaphores now

    def _use_thread(self, broken: Executor, error: BaseException) -> None:
        with self._lock:
            if self._pool is broken:
                log.warning("captcha drawing process unavailable (%s); drawing in a thread", error)
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="captcha")

    async def draw(self, kind: str, answer: str) -> tuple[str, str]:
        """Draw in the drawing process; restart it once if it died, else fall back to a thread."""
        [drawn] = await self.draw_batch(kind, [answer])
        return drawn

    async def draw_batch(self, kind: str, answers: list[str]) -> list[tuple[str, str]]:
        """Draw several in one call to the drawing process (restarted or replaced as ``draw``)."""
        loop = asyncio.get_running_loop()
        for attempt in (1, 2, 3):
            pool = self._executor()
            try:
                return await loop.run_in_executor(pool, draw_batch, kind, answers)
            except (BrokenProcessPool, RuntimeError, OSError) as error:
                if isinstance(pool, ThreadPoolExecutor) or attempt == 3:
                    raise
                if attempt == 1 and isinstance(error, BrokenProcessPool):
                    with self._lock:
                        if self._pool is pool:
                            self._pool = None  # a new process next time
                else:
                    self._use_thread(pool, error)
        raise AssertionError("unreachable")


class DrawingPools:
    """Images and audio in separate drawing processes, with a bounded audio queue.

    Audio costs many times an image; sharing one process, a few listeners' requests queued
    every reader's image behind them. Audio waits only behind audio, and at most
    ``AUDIO_QUEUE`` audio draws wait at once (more are refused, not queued).
    """

    def __init__(self) -> None:
        # Audio at a lower CPU priority: on a busy machine, readers' images and the server's
        # event loop go first, and listeners wait a little longer.
        self._pools = {
            "image": Drawing(processes=IMAGE_PROCESSES),
            "audio": Drawing(niceness=AUDIO_NICENESS),
        }
        self._audio_waiting = 0

    def acquire(self) -> None:
        """An app starts using the drawing processes."""
        for pool in self._pools.values():
            pool.acquire()

    def release(self) -> None:
        """An app stops; the last one stops the drawing processes."""
        for pool in self._pools.values():
            pool.release()

    async def warm_up(self) -> None:
        """Start the image drawing processes and draw their glyphs ahead (at the server's start)."""
        pool = self._pools["image"]._executor()
        loop = asyncio.get_running_loop()
        jobs = [loop.run_in_executor(pool, warm_up) for _ in range(IMAGE_PROCESSES)]
        try:
            await asyncio.gather(*jobs)
        except (BrokenProcessPool, RuntimeError, OSError) as error:
            log.warning("captcha drawing processes could not start ahead: %s", error)

    def audio_busy(self) -> bool:
        """Whether the audio queue is full (a new audio captcha would wait too long)."""
        return self._audio_waiting >= AUDIO_QUEUE

    async def draw_images(self, answers: list[str]) -> list[tuple[str, str]]:
        """Draw several images in one call to an image drawing process."""
        return await self._pools["image"].draw_batch("image", answers)

    async def draw(self, kind: str, answer: str) -> tuple[str, str]:
        """Draw an image or audio challenge in its own process."""
        if kind != "audio":
            return await self._pools["image"].draw(kind, answer)
        self._audio_waiting += 1
        try:
            return await self._pools["audio"].draw(kind, answer)
        finally:
            self._audio_waiting -= 1


#: Image drawing processes per server process: one per core, at most 2.
IMAGE_PROCESSES = max(1, min(2, os.cpu_count() or 1))
#: How much lower the audio drawing process's CPU priority is (``nice``).
AUDIO_NICENESS = 10
#: Audio draws waiting at most, per server process.
AUDIO_QUEUE = 8
#: The drawing pools of this server process (shared by every app in it).
drawing = DrawingPools()
