"""Admin bearer tokens: created by the CLI, stored as SHA-256 hashes, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlmodel import Field, Session, SQLModel, select

from vote_api.core.timeutil import moment_field, to_db

TOKEN_PREFIX = "szmqa_"


class AdminToken(SQLModel, table=True):
    """A named admin credential; only the hash of the token is kept."""

    __tablename__ = "admin_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = moment_field()
    revoked_at: datetime | None = moment_field(nullable=True)


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, name: str, now: datetime) -> str:
    """Create a token for ``name`` and return it; it is shown once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(AdminToken(name=name, token_hash=hash_token(token), created_at=to_db(now)))
    session.commit()
    return token


def revoke_token(session: Session, name: str, now: datetime) -> bool:
    """Revoke the token of ``name``; return whether one was active."""
    token = session.exec(select(AdminToken).where(AdminToken.name == name)).first()
    if token is None or token.revoked_at is not None:
        return False
    token.revoked_at = to_db(now)
    session.add(token)
    session.commit()
    return True


def find_admin(session: Session, presented: str) -> AdminToken | None:
    """The active admin whose token this is, or None."""
    digest = hash_token(presented)
    token = session.exec(select(AdminToken).where(AdminToken.token_hash == digest)).first()
    if token is None or token.revoked_at is not None:
        return None
    if not hmac.compare_digest(token.token_hash, digest):
        return None
    return token
