"""The shared dependencies of the routes, as ``Annotated`` aliases; each feature adds its own.

The getters are ``async`` so that FastAPI calls them on the event loop (a plain ``def``
dependency would cost a hop to the thread pool on every request).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from award.content import Content
from vote_api.core.auth import AdminToken, find_admin
from vote_api.core.client import request_address
from vote_api.core.db import Database
from vote_api.core.errors import APIError
from vote_api.core.humancheck import HumanCheck, Purposes
from vote_api.core.parts import dependency
from vote_api.core.settings import Settings
from vote_api.core.state import CoreState, core_state


async def get_state(request: Request) -> CoreState:
    """The shared state of the request's app."""
    return core_state(request.app)


StateDep = Annotated[CoreState, Depends(get_state)]


async def get_settings(state: StateDep) -> Settings:
    """The app's settings."""
    return state.settings


async def get_database(state: StateDep) -> Database:
    """The app's database."""
    return state.db


async def get_content(state: StateDep) -> Content:
    """The award content (years, ballots, notices) the app serves."""
    return state.content


async def get_now(state: StateDep) -> datetime:
    """The server's current time, Asia/Shanghai."""
    return state.now()


async def get_human_check(state: StateDep) -> HumanCheck:
    """The human check guarding SMS sends, votes and objections."""
    return state.human_check


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
ContentDep = Annotated[Content, Depends(get_content)]
NowDep = Annotated[datetime, Depends(get_now)]
HumanCheckDep = Annotated[HumanCheck, Depends(get_human_check)]
PurposesDep = Annotated[Purposes, Depends(dependency(Purposes))]
ClientAddressDep = Annotated[str, Depends(request_address)]

_bearer = HTTPBearer(auto_error=False, description="管理令牌（szmqa admin-token create 生成）")


async def require_admin(
    db: DatabaseDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AdminToken:
    """The admin making the request; 401 for a missing, wrong or revoked token."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise APIError(
            401, "admin_token_missing", "需要管理令牌（Authorization: Bearer …）", challenge
        )
    token = credentials.credentials
    admin = await db.run(lambda session: find_admin(session, token))
    if admin is None:
        raise APIError(401, "admin_token_invalid", "管理令牌无效或已撤销", challenge)
    return admin


AdminDep = Annotated[AdminToken, Depends(require_admin)]
