"""The ``state`` of a WeChat authorisation: bound to the browser that started it, used once.

Starting stores the state's digest (with its ballot and expiry) and gives the browser the
state in a signed cookie; the callback must bring the same state in its query and in that
cookie, and deletes the row, so a state is accepted once, by that browser, within 10 minutes.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Field, Session, SQLModel, col

from vote_api.core.db import changed_rows
from vote_api.core.errors import APIError
from vote_api.core.timeutil import from_db, moment_field, to_db

STATE_TTL = timedelta(minutes=10)
_STATE_BYTES = 18

STATE_REFUSED = (
    "微信授权已失效或不是从这个浏览器开始的（每次授权只能用一次，10 分钟内有效）。"
    "请在微信中回到网络投票页面，重新点击“在微信中确认身份”"
)


class WechatState(SQLModel, table=True):
    """A started WeChat authorisation: its state's digest, its ballot, until when it counts."""

    __tablename__ = "wechat_state"

    id: str = Field(max_length=64, primary_key=True)
    ballot_id: str = Field(max_length=40)
    expires_at: datetime = moment_field()


def digest(state: str) -> str:
    """The stored form of a state (the state itself is only in the cookie and the URL)."""
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


def new_state(session: Session, ballot_id: str, now: datetime) -> str:
    """Store a new state for a ballot (and drop expired ones); return it."""
    session.execute(delete(WechatState).where(col(WechatState.expires_at) <= to_db(now)))
    state = secrets.token_urlsafe(_STATE_BYTES)
    session.add(
        WechatState(id=digest(state), ballot_id=ballot_id, expires_at=to_db(now + STATE_TTL))
    )
    session.commit()
    return state


def take_state(session: Session, state: str, now: datetime) -> str:
    """Use the state up; its ballot, or a 400 for an unknown, used or expired one."""
    row = session.get(WechatState, digest(state))
    if row is None:
        raise APIError(400, "wechat_state_invalid", STATE_REFUSED)
    ballot_id, expires = row.ballot_id, from_db(row.expires_at)
    gone = changed_rows(session, delete(WechatState).where(col(WechatState.id) == row.id))
    session.commit()
    if gone != 1 or expires <= now:  # another request took it first, or it is too late
        raise APIError(400, "wechat_state_invalid", STATE_REFUSED)
    return ballot_id
