"""The built-in human check: the service's own image and Mandarin audio captchas, offline.

Challenges live in the database, so every worker sees the same ones; answers are kept as
keyed hashes. ``verify`` uses a challenge up in a transaction of its own, committed right or
wrong; a vote's ``ticket`` leaves that to the vote's own transaction (see
``vote_api.core.humancheck``), where two requests racing for one challenge cannot both win.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session
from starlette.requests import Request

from vote_api.core.captcha.drawing import drawing
from vote_api.core.captcha.service import AnswerSource, CaptchaService
from vote_api.core.captcha.stock import ImageStock
from vote_api.core.db import Database
from vote_api.core.errors import APIError
from vote_api.core.humancheck import CaptchaKind, Challenge, HumanAnswer, Ticket
from vote_api.core.limits import AUDIO_CAPTCHA_LIMIT, hit_extra_limit


class BuiltinCaptcha:
    """Image and audio captchas drawn by this service, single-use, bound to a scope."""

    name = "builtin"

    def __init__(
        self,
        db: Database,
        secret: bytes,
        ttl_seconds: int,
        answer_source: AnswerSource | None = None,
    ) -> None:
        self._db = db
        self.service = CaptchaService(secret, ttl_seconds, answer_source)
        self.stock = ImageStock(self.service.new_answer, drawing.draw_images)

    async def issue(
        self, request: Request, scope: str, kind: CaptchaKind, now: datetime
    ) -> Challenge:
        """Store a challenge bound to ``scope`` and draw it (audio: its own limit and queue)."""
        if kind is CaptchaKind.AUDIO:
            await hit_extra_limit(request, AUDIO_CAPTCHA_LIMIT, "audio-captcha")
            if drawing.audio_busy():
                raise APIError(
                    503,
                    "audio_busy",
                    "收听语音验证码的人较多，请稍后再试，或改用图形验证码",
                    {"Retry-After": "5"},
                )
        if kind is CaptchaKind.IMAGE:
            # Drawn ahead, in batches, by the drawing processes (``stock``): one per request.
            answer, media_type, data = await self.stock.take()
            challenge_id = await self._db.run_unsynced(
                lambda session: self.service.store_answer(session, scope, answer, now)
            )
        else:
            challenge_id, answer = await self._db.run_unsynced(
                lambda session: self.service.store(session, scope, kind, now)
            )
            # Drawing is CPU work: in the drawing process, off the database thread and the GIL.
            media_type, data = await drawing.draw(kind.value, answer)
        return Challenge(
            challenge_id=challenge_id,
            kind=kind,
            media_type=media_type,
            data=data,
            expires_in=int(self.service.ttl.total_seconds()),
        )

    async def verify(self, answer: HumanAnswer, scope: str, now: datetime) -> None:
        """Use the challenge up (committed, right or wrong) and refuse a wrong answer."""

        def use(session: Session) -> None:
            try:
                self.service.check(session, answer.challenge_id, answer.answer, scope, now)
            finally:
                session.commit()  # used up, right or wrong

        await self._db.run(use)

    async def ticket(self, answer: HumanAnswer, scope: str, now: datetime) -> Ticket:
        """The challenge and the keyed hash of the answer, for the transaction to use up."""
        answer_hash = self.service.answer_hash(answer.challenge_id, answer.answer)
        return Ticket(challenge_id=answer.challenge_id, answer_hash=answer_hash, scope=scope)
