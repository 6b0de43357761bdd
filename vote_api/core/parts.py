"""The parts of one app, found by their type: each package installs and finds its own.

``create_app`` installs every part once (the shared ``CoreState``, the rate limits, each
feature's service parts); a module that needs a part asks for it by its class, so it imports
that class and nothing that composes the app.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

from starlette.applications import Starlette
from starlette.requests import Request

T = TypeVar("T")
#: The attribute of ``app.state`` that holds the parts, by class.
ATTRIBUTE = "szmqa_parts"


def install(app: Starlette, *parts: object) -> None:
    """Make each part findable by its class."""
    found: dict[type, object] = getattr(app.state, ATTRIBUTE, None) or {}
    for part in parts:
        found[type(part)] = part
    setattr(app.state, ATTRIBUTE, found)


def part(app: Starlette, kind: type[T]) -> T:
    """The app's part of this class (installed by ``create_app``)."""
    try:
        return cast(T, getattr(app.state, ATTRIBUTE)[kind])
    except (AttributeError, KeyError):
        raise LookupError(f"this app has no {kind.__name__}: build it with create_app") from None


def dependency(kind: type[T]) -> Callable[[Request], Awaitable[T]]:
    """A route dependency giving the request's app part of this class (run on the event loop)."""

    async def get(request: Request) -> T:
        return part(request.app, kind)

    get.__name__ = f"get_{kind.__name__.lower()}"
    return get
