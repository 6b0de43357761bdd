"""Every dependency of the routes, as ``Annotated`` aliases, in one place.

The getters are ``async`` so that FastAPI calls them on the event loop (a plain ``def``
dependency would cost a hop to the thread pool on every request).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from award.content import Content
from vote_api.console.guard import Signed, staff_for
from vote_api.console.models import Role
from vote_api.core.auth import AdminToken, find_admin
from vote_api.core.captcha import CaptchaService
from vote_api.core.client import request_address
from vote_api.core.db import Database
from vote_api.core.errors import APIError
from vote_api.core.settings import Settings
from vote_api.objections.service import Objections
from vote_api.state import AppState, app_state
from vote_api.voting.catalog import BallotCatalog
from vote_api.voting.identity import Voter, VoterIdentity
from vote_api.voting.service import Voting


async def get_state(request: Request) -> AppState:
    """The typed state of the request's app."""
    return app_state(request.app)


StateDep = Annotated[AppState, Depends(get_state)]


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


async def get_captcha(state: StateDep) -> CaptchaService:
    """The captcha service."""
    return state.captcha


async def get_voting(state: StateDep) -> Voting:
    """The vote service parts."""
    return state.voting


async def get_catalog(state: StateDep) -> BallotCatalog:
    """The ballots the service knows."""
    return state.voting.catalog


async def get_identity(state: StateDep) -> VoterIdentity:
    """The voter identity strategy."""
    return state.voting.identity


async def get_voter(request: Request, state: StateDep) -> Voter:
    """The voter making the request (a new visitor gets a fresh identity)."""
    return state.voting.identity.identify(request)


async def get_objections(state: StateDep) -> Objections:
    """The objection service parts."""
    return state.objections


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
ContentDep = Annotated[Content, Depends(get_content)]
NowDep = Annotated[datetime, Depends(get_now)]
CaptchaDep = Annotated[CaptchaService, Depends(get_captcha)]
VotingDep = Annotated[Voting, Depends(get_voting)]
CatalogDep = Annotated[BallotCatalog, Depends(get_catalog)]
IdentityDep = Annotated[VoterIdentity, Depends(get_identity)]
VoterDep = Annotated[Voter, Depends(get_voter)]
ObjectionsDep = Annotated[Objections, Depends(get_objections)]
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

#: The signed-in console user, if their role allows at least observing / handling / administering.
ObserverDep = Annotated[Signed, Depends(staff_for(Role.OBSERVER))]
HandlerDep = Annotated[Signed, Depends(staff_for(Role.HANDLER))]
StaffAdminDep = Annotated[Signed, Depends(staff_for(Role.ADMIN))]
