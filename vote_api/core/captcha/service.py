"""Issuing and checking captchas: single-use, short-lived, bound to a scope, answers kept as hashes.

Challenges live in the database, so every worker sees the same ones. Checking a challenge
deletes it in the caller's transaction, right or wrong; the caller commits that deletion
even when it refuses the request, so an answer can never be tried twice.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, insert
from sqlmodel import Field, Session, SQLModel

from vote_api.core.captcha.alphabet import AUDIO_ALPHABET, IMAGE_ALPHABET, random_text
from vote_api.core.errors import APIError
from vote_api.core.humancheck import CaptchaKind
from vote_api.core.rawsql import RawSQL, execute, read_moment
from vote_api.core.timeutil import from_db, moment_field, to_db

_SYSTEM_RANDOM = random.SystemRandom()
AnswerSource = Callable[["CaptchaKind"], str]


class CaptchaChallenge(SQLModel, table=True):
    """An issued challenge: its scope, the keyed hash of its answer, and when it expires."""

    __tablename__ = "captcha_challenge"

    id: str = Field(primary_key=True, max_length=32)
    scope: str = Field(max_length=120)
    answer_hash: str = Field(max_length=64)
    # Time-zone aware, so PostgreSQL returns the moment right whatever its TimeZone setting.
    expires_at: datetime = moment_field(index=True)


_TABLE = CaptchaChallenge.__table__  # type: ignore[attr-defined]
# Prebuilt Core statements: compiled once, no ORM bookkeeping on the hot path.
_PURGE_EXPIRED = delete(_TABLE).where(_TABLE.c.expires_at < bindparam("now"))
_STORE = insert(_TABLE)
# Used up once per vote: plain SQL on the DB-API cursor (SQLite and PostgreSQL alike).
CONSUME = RawSQL(
    "DELETE FROM captcha_challenge WHERE id = :challenge_id"
    " RETURNING scope, answer_hash, expires_at"
)


def normalise_answer(answer: str) -> str:
    """Answers are case-insensitive and ignore spaces."""
    return "".join(answer.split()).upper()


def fresh_answer(kind: CaptchaKind) -> str:
    """A fresh random answer from the kind's alphabet (system randomness)."""
    alphabet = IMAGE_ALPHABET if kind is CaptchaKind.IMAGE else AUDIO_ALPHABET
    return random_text(alphabet, _SYSTEM_RANDOM)


class CaptchaService:
    """Issues and checks challenges; the answer source is injectable for tests only."""

    def __init__(self, secret: bytes, ttl_seconds: int, answer_source: AnswerSource | None = None):
        self._secret = secret
        self.ttl = timedelta(seconds=ttl_seconds)
        self._answer = answer_source or fresh_answer

    def answer_hash(self, challenge_id: str, answer: str) -> str:
        """The keyed hash stored for a challenge's answer (and compared with what is typed)."""
        message = f"{challenge_id}:{normalise_answer(answer)}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def new_answer(self, kind: CaptchaKind) -> str:
        """A fresh answer for a challenge of ``kind`` (from the answer source)."""
        return self._answer(kind)

    def store(
        self, session: Session, scope: str, kind: CaptchaKind, now: datetime
    ) -> tuple[str, str]:
        """Store a new challenge (commits); return its id and the answer to render."""
        answer = self._answer(kind)
        return self.store_answer(session, scope, answer, now), answer

    def store_answer(self, session: Session, scope: str, answer: str, now: datetime) -> str:
        """Store a new challenge whose answer is already drawn (commits); return its id."""
        session.connection().execute(_PURGE_EXPIRED, {"now": to_db(now)})
        challenge_id = secrets.token_urlsafe(18)
        session.connection().execute(
            _STORE,
            {
                "id": challenge_id,
                "scope": scope,
                "answer_hash": self.answer_hash(challenge_id, answer),
                "expires_at": to_db(now + self.ttl),
            },
        )
        session.commit()
        return challenge_id

    def check(
        self, session: Session, challenge_id: str, answer: str, scope: str, now: datetime
    ) -> None:
        """Consume the challenge (in the caller's transaction) and refuse a wrong answer."""
        answer_hash = self.answer_hash(challenge_id, answer)
        outcome = use_in_transaction(session, challenge_id, answer_hash, scope, now)
        if outcome is not None:
            raise captcha_refusal(outcome)


#: Why a used-up challenge refuses its request (the outcome codes of ``verdict``).
CAPTCHA_REFUSALS: dict[str, tuple[str, str]] = {
    "captcha_invalid": ("captcha_invalid", "验证码已失效或已使用，请刷新验证码后重试"),
    "captcha_expired": ("captcha_expired", "验证码已过期，请刷新验证码后重试"),
    "captcha_scope": ("captcha_invalid", "验证码与当前操作不符，请刷新验证码后重试"),
    "captcha_wrong": ("captcha_wrong", "验证码不正确，请刷新验证码后重新输入"),
}


def verdict(
    row: tuple[str, str, object] | None, answer_hash: str, scope: str, now: datetime
) -> str | None:
    """Judge a consumed challenge row (scope, answer hash, expiry): None if it lets through.

    The same checks, in the same order, as PostgreSQL's ``szmqa_cast_votes`` (migration 0006).
    """
    if row is None:
        return "captcha_invalid"
    stored_scope, stored_hash, expires_at = row
    if from_db(read_moment(expires_at)) <= now:
        return "captcha_expired"
    if stored_scope != scope:
        return "captcha_scope"
    if not hmac.compare_digest(stored_hash, answer_hash):
        return "captcha_wrong"
    return None


def use_in_transaction(
    session: Session, challenge_id: str | None, answer_hash: str | None, scope: str, now: datetime
) -> str | None:
    """Use up a ticket's challenge in the caller's transaction and judge it (``verdict``).

    A ticket already checked before the transaction (no challenge) lets through.
    """
    if challenge_id is None:
        return None
    row = execute(session, CONSUME, {"challenge_id": challenge_id}).fetchone()
    return verdict(row, answer_hash or "", scope, now)


def captcha_refusal(outcome: str) -> APIError:
    """The 400 refusal for a captcha outcome code of ``verdict``."""
    code, message = CAPTCHA_REFUSALS[outcome]
    return APIError(400, code, message)
