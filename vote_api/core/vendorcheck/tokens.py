"""Vendor tokens are accepted once: the keyed hash of each token used, kept a day, unique in the database."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import DateTime, bindparam, delete, text
from sqlmodel import Field, Session, SQLModel

from vote_api.core.timeutil import moment_field, to_db

#: How long a used token's hash is kept: far past the vendors' own validity (5 minutes).
KEPT = timedelta(days=1)


class UsedHumanToken(SQLModel, table=True):
    """A vendor token already presented (as its keyed hash), until it could no longer matter."""

    __tablename__ = "human_check_token"

    token_hash: str = Field(primary_key=True, max_length=64)
    expires_at: datetime = moment_field(index=True)


_TABLE = UsedHumanToken.__table__  # type: ignore[attr-defined]
_PURGE = delete(_TABLE).where(_TABLE.c.expires_at < bindparam("now"))
#: The primary key decides: of two requests racing with one token, one inserts a row.
_CLAIM = text(
    "INSERT INTO human_check_token (token_hash, expires_at) VALUES (:token_hash, :expires_at)"
    " ON CONFLICT (token_hash) DO NOTHING"
).bindparams(bindparam("expires_at", type_=DateTime(timezone=True)))


def token_hash(secret: bytes, provider: str, token: str) -> str:
    """The keyed hash kept for a token (the token itself is never stored)."""
    return hmac.new(secret, f"{provider}:{token}".encode(), hashlib.sha256).hexdigest()


def claim(session: Session, hashed: str, now: datetime) -> bool:
    """Record a token as used (commits); False when it was already used."""
    session.connection().execute(_PURGE, {"now": to_db(now)})
    inserted = session.connection().execute(
        _CLAIM, {"token_hash": hashed, "expires_at": to_db(now + KEPT)}
    )
    session.commit()
    return inserted.rowcount == 1
