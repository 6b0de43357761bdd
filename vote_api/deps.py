"""Dependencies shared by the routers, as Annotated aliases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from slowapi import Limiter

from award.content import Content
from vote_api.auth import AdminToken, find_admin
from vote_api.captcha import CaptchaService
from vote_api.client import request_address
from vote_api.db import Database
from vote_api.errors import APIError
from vote_api.settings import Settings

Clock = Callable[[], datetime]


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    return request.app.state.settings


def get_database(request: Request) -> Database:
    """The app's database."""
    return request.app.state.db


def get_content(request: Request) -> Content:
    """The award content (years, ballots, notices) the app was started with."""
    return request.app.state.content


def get_now(request: Request) -> datetime:
    """The server's current time, Asia/Shanghai."""
    return request.app.state.clock()


def get_captcha(request: Request) -> CaptchaService:
    """The captcha service."""
    return request.app.state.captcha


def get_limiter(request: Request) -> Limiter:
    """The app's rate limiter."""
    return request.app.state.limiter


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
ContentDep = Annotated[Content, Depends(get_content)]
NowDep = Annotated[datetime, Depends(get_now)]
CaptchaDep = Annotated[CaptchaService, Depends(get_captcha)]
LimiterDep = Annotated[Limiter, Depends(get_limiter)]
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
