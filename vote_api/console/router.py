"""The secretariat's console under /admin: server-rendered pages over the features' services.

Every page needs a live session whose role allows it (``vote_api.console.deps``:
ObserverDep, HandlerDep, StaffAdminDep); every POST carries the session's CSRF token; every
action is written to the audit log under the person's name. One router per page family.
"""

from __future__ import annotations

from fastapi import APIRouter

from vote_api.console.pages import audit, ballots, objections, overview, sign_in, staff

router = APIRouter()
for family in (sign_in, overview, ballots, objections, audit, staff):
    router.include_router(family.router, include_in_schema=False)
