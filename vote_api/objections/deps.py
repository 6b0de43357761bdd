"""The objection routes' dependencies, as ``Annotated`` aliases (see ``vote_api.core.deps``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from vote_api.core.parts import dependency
from vote_api.objections.service import Objections

ObjectionsDep = Annotated[Objections, Depends(dependency(Objections))]
