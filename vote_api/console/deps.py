"""The console pages' dependencies: the signed-in person, by the role a page needs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from vote_api.console.guard import staff_for
from vote_api.console.models import Role
from vote_api.console.sessions import Signed

#: The signed-in console user, if their role allows at least observing / handling / administering.
ObserverDep = Annotated[Signed, Depends(staff_for(Role.OBSERVER))]
HandlerDep = Annotated[Signed, Depends(staff_for(Role.HANDLER))]
StaffAdminDep = Annotated[Signed, Depends(staff_for(Role.ADMIN))]
