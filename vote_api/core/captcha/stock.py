"""Image challenges drawn ahead, in batches, each served once.

Asking the drawing process for one image per request cost a round trip between processes
on every challenge, in the server process that also runs the event loop. Instead each
built-in captcha keeps a stock of drawn images with their answers: a request takes one (the
deque hands each to exactly one request) and, when the stock runs low, one call to the
drawing process draws a whole batch. When the stock is empty, requests wait for the batch
under way. Answers come from the captcha's answer source (system randomness outside tests).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable

from vote_api.core.humancheck import CaptchaKind

log = logging.getLogger("vote_api.core.captcha.stock")

#: Images drawn per call to the drawing process, and the stock below which a new batch starts.
BATCH = 32
LOW = 32

Drawn = tuple[str, str, str]  # answer, media type, base64 data
DrawImages = Callable[[list[str]], Awaitable[list[tuple[str, str]]]]


class ImageStock:
    """Images with their answers, drawn ahead in batches; ``take`` serves each once."""

    def __init__(self, new_answer: Callable[[CaptchaKind], str], draw_images: DrawImages) -> None:
        self._new_answer = new_answer
        self._draw_images = draw_images
        self._ready: deque[Drawn] = deque()
        self._refill: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self._ready)

    async def _draw(self) -> None:
        answers = [self._new_answer(CaptchaKind.IMAGE) for _ in range(BATCH)]
        drawn = await self._draw_images(answers)
        self._ready.extend(
            (answer, media_type, data)
            for answer, (media_type, data) in zip(answers, drawn, strict=True)
        )

    def _refilling(self) -> asyncio.Task[None]:
        """The batch under way (in this event loop: tests drive one app from several), or a new one."""
        refill = self._refill
        if refill is None or refill.done() or refill.get_loop() is not asyncio.get_running_loop():
            refill = self._refill = asyncio.create_task(self._draw())
            refill.add_done_callback(_note_failure)
        return refill

    async def take(self) -> Drawn:
        """An image nobody else gets, with its answer; starts a batch when the stock runs low."""
        while not self._ready:
            await asyncio.shield(self._refilling())  # a failed batch raises here
        drawn = self._ready.popleft()
        if len(self._ready) < LOW:
            self._refilling()
        return drawn


def _note_failure(task: asyncio.Task[None]) -> None:
    """A batch nobody waited for that failed: logged (the next request starts another)."""
    if not task.cancelled() and task.exception() is not None:
        log.warning("captcha images could not be drawn ahead: %s", task.exception())
